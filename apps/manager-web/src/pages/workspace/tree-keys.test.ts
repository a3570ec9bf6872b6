import { describe, expect, it } from "vitest";
import { type TreeRow, treeKeyAction } from "./tree-keys";

const rows: TreeRow[] = [
  { id: "private", name: "private", level: 1, kind: "folder", isExpanded: false },
  { id: "public", name: "public", level: 1, kind: "folder", isExpanded: true },
  { id: "public/css", name: "css", level: 2, kind: "folder", isExpanded: false },
  { id: "public/index.html", name: "index.html", level: 2, kind: "file", isExpanded: false },
  { id: "more:public", name: "Load more", level: 2, kind: "more", isExpanded: false },
  { id: "run.sh", name: "run.sh", level: 1, kind: "file", isExpanded: false },
];

describe("treeKeyAction", () => {
  it("moves up and down the visible rows, and jumps with Home and End", () => {
    expect(treeKeyAction("ArrowDown", rows, "public")).toEqual({ type: "focus", id: "public/css" });
    expect(treeKeyAction("ArrowUp", rows, "public")).toEqual({ type: "focus", id: "private" });
    expect(treeKeyAction("ArrowUp", rows, "private")).toBeNull();
    expect(treeKeyAction("Home", rows, "run.sh")).toEqual({ type: "focus", id: "private" });
    expect(treeKeyAction("End", rows, "private")).toEqual({ type: "focus", id: "run.sh" });
  });
  it("opens a closed folder with →, then enters it", () => {
    expect(treeKeyAction("ArrowRight", rows, "private")).toEqual({ type: "expand", id: "private" });
    expect(treeKeyAction("ArrowRight", rows, "public")).toEqual({ type: "focus", id: "public/css" });
    expect(treeKeyAction("ArrowRight", rows, "run.sh")).toBeNull();
  });
  it("closes an open folder with ←, else goes to the parent", () => {
    expect(treeKeyAction("ArrowLeft", rows, "public")).toEqual({ type: "collapse", id: "public" });
    expect(treeKeyAction("ArrowLeft", rows, "public/index.html")).toEqual({ type: "focus", id: "public" });
    expect(treeKeyAction("ArrowLeft", rows, "private")).toBeNull();
  });
  it("activates with Enter and finds a row by its first letter, wrapping around", () => {
    expect(treeKeyAction("Enter", rows, "public/index.html")).toEqual({ type: "activate", id: "public/index.html" });
    expect(treeKeyAction("r", rows, "public")).toEqual({ type: "focus", id: "run.sh" });
    expect(treeKeyAction("P", rows, "public")).toEqual({ type: "focus", id: "private" });
    expect(treeKeyAction("z", rows, "public")).toBeNull();
    expect(treeKeyAction("Tab", rows, "public")).toBeNull();
  });
  it("focuses the first row when the focused one is gone", () => {
    expect(treeKeyAction("ArrowDown", rows, "deleted")).toEqual({ type: "focus", id: "private" });
    expect(treeKeyAction("ArrowDown", [], "deleted")).toBeNull();
  });
});
