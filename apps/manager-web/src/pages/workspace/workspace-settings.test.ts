import { describe, expect, it } from "vitest";
import { defaultSettings, parseSettings, serializeSettings, settingsKey } from "./workspace-settings";

describe("parseSettings", () => {
  it("gives the defaults when nothing is stored, the theme following the system", () => {
    expect(parseSettings(null, false)).toEqual(defaultSettings(false));
    expect(parseSettings(null, true).theme).toBe("dark");
    expect(parseSettings(null, false).theme).toBe("light");
  });
  it("reads back what it stored", () => {
    const settings = {
      ...defaultSettings(false),
      theme: "dark" as const,
      fontSizePx: 18,
      keyBindings: "vim" as const,
      isShowingHiddenFiles: true,
      isBottomPanelOpen: false,
      bottomPanelHeightPx: 400,
      expandedFolders: ["public", "public/css"],
    };
    expect(parseSettings(serializeSettings(settings), false)).toEqual(settings);
  });
  it("replaces each unreadable field by its default and keeps the rest", () => {
    const parsed = parseSettings(
      JSON.stringify({ theme: "purple", fontSizePx: "big", keyBindings: "nano", isTreeCollapsed: true }),
      false,
    );
    expect(parsed.theme).toBe("light");
    expect(parsed.keyBindings).toBe("default");
    expect(parsed.fontSizePx).toBe(14);
    expect(parsed.isTreeCollapsed).toBe(true);
  });
  it("clamps sizes and rounds them", () => {
    const parsed = parseSettings(
      JSON.stringify({ fontSizePx: 400, treeWidthPx: 3, bottomPanelHeightPx: 300.6 }),
      false,
    );
    expect(parsed.fontSizePx).toBe(28);
    expect(parsed.treeWidthPx).toBe(160);
    expect(parsed.bottomPanelHeightPx).toBe(301);
  });
  it("keeps only folder names, once each, at most the watchable number", () => {
    const many = Array.from({ length: 100 }, (_, index) => `f${index}`);
    expect(parseSettings(JSON.stringify({ expandedFolders: ["a", "a", 3, "", "b"] }), false).expandedFolders).toEqual([
      "a",
      "b",
    ]);
    expect(parseSettings(JSON.stringify({ expandedFolders: many }), false).expandedFolders).toHaveLength(64);
  });
  it("starts afresh from text that is not a JSON object", () => {
    expect(parseSettings("{not json", true)).toEqual(defaultSettings(true));
    expect(parseSettings("[1,2]", false)).toEqual(defaultSettings(false));
  });
});

describe("settingsKey", () => {
  it("is one key per site", () => {
    expect(settingsKey("blog")).toBe("director.workspace.blog");
  });
});
