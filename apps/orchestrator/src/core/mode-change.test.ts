import { describe, expect, it } from "vitest";
import { parseModeChange } from "./mode-change.js";

describe("parseModeChange", () => {
  it.each<[string, ReturnType<typeof parseModeChange>]>([
    ["755", { mode: 0o755 }],
    ["0644", { mode: 0o644 }],
    ["4755", { mode: 0o755 }],
    ["7777", { mode: 0o777 }],
    ["+x", { executable: true }],
    ["-x", { executable: false }],
  ])("%s", (value, expected) => {
    expect(parseModeChange(value)).toEqual(expected);
  });
});
