import { describe, expect, it } from "vitest";
import type { FileEntry } from "../../api/types";
import { entryIn, shownEntries } from "./tree-entries";

const entry = (name: string, type: FileEntry["type"] = "file"): FileEntry => ({
  name,
  type,
  sizeBytes: 1,
  modifiedAt: "2026-01-01T00:00:00.000Z",
  mode: 0o644,
});

describe("shownEntries", () => {
  const listing = [entry(".env"), entry(".git", "directory"), entry("a.html"), entry("css", "directory"), entry("z")];
  it("puts folders first and hides dot files unless asked", () => {
    expect(shownEntries(listing, false).map((shown) => shown.name)).toEqual(["css", "a.html", "z"]);
    expect(shownEntries(listing, true).map((shown) => shown.name)).toEqual([".git", "css", ".env", "a.html", "z"]);
  });
});

describe("entryIn", () => {
  it("finds an entry on any loaded page", () => {
    const listing = {
      pages: [
        { path: "public", entries: [entry("a")], totalEntries: 2, nextAfter: "a" },
        { path: "public", entries: [entry("b")], totalEntries: 2, nextAfter: null },
      ],
      pageParams: [null, "a"],
    };
    expect(entryIn(listing, "public/b")?.name).toBe("b");
    expect(entryIn(listing, "public/c")).toBeNull();
    expect(entryIn(undefined, "public/a")).toBeNull();
  });
});
