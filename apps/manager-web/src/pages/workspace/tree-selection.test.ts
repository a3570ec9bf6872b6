import { describe, expect, it } from "vitest";
import type { FileEntry } from "../../api/types";
import type { TreeTarget } from "./file-tree";
import {
  noSelection,
  selectionAfterMove,
  selectionAfterRemoval,
  selectionOnActivate,
  type TreeSelection,
} from "./tree-selection";

const entry = (name: string, type: FileEntry["type"] = "directory"): FileEntry => ({
  name,
  type,
  sizeBytes: 0,
  modifiedAt: "2025-01-01T00:00:00.000Z",
  mode: 0o755,
});
const target = (path: string, type: FileEntry["type"] = "directory"): TreeTarget => ({
  path,
  entry: entry(path.slice(path.lastIndexOf("/") + 1), type),
});
const selected = (path: string, type: FileEntry["type"] = "directory"): TreeSelection => ({
  activeId: path,
  target: target(path, type),
});

describe("selectionOnActivate", () => {
  it("selects an entry's row and its entry", () => {
    expect(selectionOnActivate(noSelection, "public", target("public"))).toEqual(selected("public"));
  });
  it("keeps the entry the toolbar acts on when the row is not an entry (Load more)", () => {
    expect(selectionOnActivate(selected("public"), "/more/public", null)).toEqual({
      activeId: "/more/public",
      target: target("public"),
    });
  });
});

describe("selectionAfterMove", () => {
  it("follows the selected folder to its new name", () => {
    expect(selectionAfterMove(selected("public/drafts"), "public/drafts", "public/notes")).toEqual(
      selected("public/notes"),
    );
  });
  it("follows an entry inside the moved folder", () => {
    expect(selectionAfterMove(selected("public/drafts/a.txt", "file"), "public/drafts", "www")).toEqual(
      selected("www/a.txt", "file"),
    );
  });
  it("leaves another entry alone, the same object", () => {
    const before = selected("public/drafts-old");
    const after = selectionAfterMove(before, "public/drafts", "public/notes");
    expect(after).toEqual(before);
    expect(after.target).toBe(before.target);
  });
});

describe("selectionAfterRemoval", () => {
  it("selects nothing once the selected folder, or the folder around the selected entry, is removed", () => {
    expect(selectionAfterRemoval(selected("public/notes"), "public/notes")).toEqual(noSelection);
    expect(selectionAfterRemoval(selected("public/notes/a.txt", "file"), "public/notes")).toEqual(noSelection);
  });
  it("keeps a selection that was not removed (a name that only starts alike)", () => {
    expect(selectionAfterRemoval(selected("public/notes-old"), "public/notes")).toEqual(selected("public/notes-old"));
  });
  it("keeps the selected entry while the removed row was only the active one", () => {
    const selection = { activeId: "public/x.txt", target: target("public") };
    expect(selectionAfterRemoval(selection, "public/x.txt")).toEqual({ activeId: null, target: target("public") });
  });
});
