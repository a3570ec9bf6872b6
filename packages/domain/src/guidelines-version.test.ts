import { describe, expect, it } from "vitest";
import { guidelinesVersionOf } from "./guidelines-version.js";

describe("guidelinesVersionOf", () => {
  const text = "Guidelines\n\n1. Be kind.\n2. Keep secrets secret.\n";

  it("is 16 hex digits of the text's sha-256", () => {
    // `printf 'Be kind.' | sha256sum` (the trailing newline does not count) starts 5499befb38dbf3fc
    expect(guidelinesVersionOf("Be kind.\n")).toBe("5499befb38dbf3fc");
  });

  it.each([
    ["Windows line endings", text.replace(/\n/g, "\r\n")],
    ["old Mac line endings", text.replace(/\n/g, "\r")],
    ["no trailing newline", text.trimEnd()],
    ["more trailing newlines and spaces", `${text}\n\n  \t\n`],
    ["a byte order mark", `\uFEFF${text}`],
  ])("ignores %s", (_, resaved) => {
    expect(guidelinesVersionOf(resaved)).toBe(guidelinesVersionOf(text));
  });

  it.each([
    ["a changed word", text.replace("kind", "nice")],
    ["an added rule", `${text}3. Share the machines.\n`],
    ["whitespace inside the text", text.replace("\n\n", "\n\n\n")],
    ["leading whitespace", ` ${text}`],
    ["a letter's case", text.replace("Be", "be")],
  ])("changes with %s", (_, edited) => {
    expect(guidelinesVersionOf(edited)).not.toBe(guidelinesVersionOf(text));
  });
});
