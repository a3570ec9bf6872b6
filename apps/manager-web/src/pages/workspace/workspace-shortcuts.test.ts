import { describe, expect, it } from "vitest";
import { shortcutOf } from "./workspace-shortcuts";

const press = (
  key: string,
  code: string,
  modifiers: Partial<Record<"ctrlKey" | "metaKey" | "altKey" | "shiftKey", boolean>> = {},
) => ({
  key,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...modifiers,
});

describe("shortcutOf", () => {
  it("saves with Ctrl+S and ⌘S", () => {
    expect(shortcutOf(press("s", "KeyS", { ctrlKey: true }))).toBe("save");
    expect(shortcutOf(press("S", "KeyS", { metaKey: true }))).toBe("save");
    expect(shortcutOf(press("s", "KeyS"))).toBeNull();
    expect(shortcutOf(press("S", "KeyS", { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
  it("opens a terminal with Alt+T, also where Alt makes another character", () => {
    expect(shortcutOf(press("t", "KeyT", { altKey: true }))).toBe("newTerminal");
    expect(shortcutOf(press("†", "KeyT", { altKey: true }))).toBe("newTerminal");
    expect(shortcutOf(press("t", "KeyT", { altKey: true, ctrlKey: true }))).toBeNull();
  });
  it("restarts with Alt+Enter", () => {
    expect(shortcutOf(press("Enter", "Enter", { altKey: true }))).toBe("restart");
    expect(shortcutOf(press("Enter", "Enter"))).toBeNull();
  });
});
