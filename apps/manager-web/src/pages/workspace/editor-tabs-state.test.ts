import { describe, expect, it } from "vitest";
import type { FileEntry } from "../../api/types";
import {
  type EditorTab,
  noTabs,
  type TabsAction,
  type TabsState,
  tabLabels,
  tabsReducer,
  tabsToReload,
} from "./editor-tabs-state";

const entry = (name: string, modifiedAt = "2026-01-01T10:00:00.000Z", mode = 0o644): FileEntry => ({
  name,
  type: "file",
  sizeBytes: 10,
  modifiedAt,
  mode,
});
const open = (path: string, modifiedAt?: string, mode?: number): TabsAction => ({
  type: "open",
  path,
  entry: entry(path, modifiedAt, mode),
});
const run = (...actions: TabsAction[]): TabsState => actions.reduce(tabsReducer, noTabs);
const tab = (state: TabsState, path: string) => state.tabs.find((candidate) => candidate.path === path) as EditorTab;

describe("tabsReducer", () => {
  it("opens a file once, makes it active, and keeps its listing's time as the save's baseline", () => {
    const state = run(open("a.html", "2026-01-01T10:00:00.000Z"), open("b.css"), open("a.html"));
    expect(state.tabs.map((candidate) => candidate.path)).toEqual(["a.html", "b.css"]);
    expect(state.activePath).toBe("a.html");
    expect(tab(state, "a.html")).toMatchObject({ view: "loading", baseline: "2026-01-01T10:00:00.000Z" });
  });

  it("says why a file could not be read, and reads it again when asked", () => {
    const failed = run(open("a"), { type: "failed", path: "a", message: "No such file." });
    expect(tab(failed, "a")).toMatchObject({ view: "failed", error: "No such file." });
    expect(tab(tabsReducer(failed, { type: "reading", path: "a" }), "a")).toMatchObject({
      view: "loading",
      error: null,
    });
  });

  it("activates the tab to the right of a closed active tab, else the one to its left", () => {
    const three = run(open("a"), open("b"), open("c"), { type: "activate", path: "b" });
    expect(tabsReducer(three, { type: "close", path: "b" }).activePath).toBe("c");
    expect(tabsReducer(three, { type: "close", path: "a" }).activePath).toBe("b");
    const last = tabsReducer(three, { type: "activate", path: "c" });
    expect(tabsReducer(last, { type: "close", path: "c" }).activePath).toBe("b");
    expect(run(open("a"), { type: "close", path: "a" })).toEqual(noTabs);
  });

  it("takes a save's new time as the baseline and clears a conflict", () => {
    const state = run(
      open("a", "2026-01-01T10:00:00.000Z"),
      { type: "dirty", path: "a", isDirty: true },
      { type: "saving", path: "a" },
      { type: "saveFailed", path: "a", message: "Changed on disk.", isConflict: true },
    );
    expect(tab(state, "a")).toMatchObject({
      isSaving: false,
      hasConflict: true,
      error: "Changed on disk.",
      isDirty: true,
    });
    const saved = tabsReducer(state, {
      type: "saved",
      path: "a",
      modifiedAt: "2026-01-01T11:00:00.000Z",
      sizeBytes: 20,
      isDirty: false,
    });
    expect(tab(saved, "a")).toMatchObject({
      baseline: "2026-01-01T11:00:00.000Z",
      hasConflict: false,
      error: null,
      isDirty: false,
      sizeBytes: 20,
    });
  });

  it("follows a rename of the file or of a folder above it", () => {
    const state = run(open("public/a.html"), open("public/css/s.css"), open("run.sh"), {
      type: "moved",
      from: "public",
      to: "www",
    });
    expect(state.tabs.map((candidate) => candidate.path)).toEqual(["www/a.html", "www/css/s.css", "run.sh"]);
    expect(state.activePath).toBe("run.sh");
  });

  it("closes the tabs of removed files, but keeps unsaved edits (their save then writes without a check)", () => {
    const state = run(open("public/a.html"), open("public/b.html"), open("run.sh"), {
      type: "dirty",
      path: "public/b.html",
      isDirty: true,
    });
    const removed = tabsReducer(state, { type: "removed", path: "public" });
    expect(removed.tabs.map((candidate) => [candidate.path, candidate.baseline])).toEqual([
      ["public/b.html", null],
      ["run.sh", "2026-01-01T10:00:00.000Z"],
    ]);
  });

  it("takes a listing's mode and notices a change on disk under unsaved edits", () => {
    const state = run(open("public/a.html"), open("public/b.html"), {
      type: "dirty",
      path: "public/b.html",
      isDirty: true,
    });
    const listed = tabsReducer(state, {
      type: "diskState",
      folder: "public",
      entries: [entry("a.html", "2026-01-01T10:00:00.000Z", 0o755), entry("b.html", "2026-01-01T12:00:00.000Z")],
    });
    expect(tab(listed, "public/a.html")).toMatchObject({ mode: 0o755, isChangedOnDisk: false });
    expect(tab(listed, "public/b.html")).toMatchObject({ isChangedOnDisk: true });
  });
});

describe("tabsToReload", () => {
  it("reads again the clean text tabs whose file is newer on disk, not older (a listing read before a save)", () => {
    const state = run(
      open("public/new.html", "2026-01-01T10:00:00.000Z"),
      { type: "loaded", path: "public/new.html", view: "text", isReadOnly: false },
      open("public/old.html", "2026-01-01T10:00:00.000Z"),
      { type: "loaded", path: "public/old.html", view: "text", isReadOnly: false },
      open("public/edited.html", "2026-01-01T10:00:00.000Z"),
      { type: "loaded", path: "public/edited.html", view: "text", isReadOnly: false },
      { type: "dirty", path: "public/edited.html", isDirty: true },
    );
    const entries = [
      entry("new.html", "2026-01-01T10:00:01.000Z"),
      entry("old.html", "2026-01-01T09:00:00.000Z"),
      entry("edited.html", "2026-01-01T11:00:00.000Z"),
    ];
    expect(tabsToReload(state.tabs, "public", entries).map((candidate) => candidate.path)).toEqual(["public/new.html"]);
  });
});

describe("tabLabels", () => {
  it("names tabs by file name, with the folder when two share a name", () => {
    const labels = tabLabels(["public/index.html", "private/index.html", "run.sh", "index.html"]);
    expect(labels.get("public/index.html")).toEqual({ name: "index.html", folder: "public" });
    expect(labels.get("index.html")).toEqual({ name: "index.html", folder: "/" });
    expect(labels.get("run.sh")).toEqual({ name: "run.sh", folder: null });
  });
});
