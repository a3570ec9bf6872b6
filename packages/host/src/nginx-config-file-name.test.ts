import { describe, expect, it } from "vitest";
import { isNginxConfigFileName, parseNginxConfigFileName } from "./nginx-config-file-name.js";

describe("parseNginxConfigFileName", () => {
  it.each(["a.conf", "site-foo.conf", "00-default.conf", "my_site.v2.conf", `${"a".repeat(101)}.conf`])(
    "accepts %s",
    (name) => {
      expect(parseNginxConfigFileName(name)).toBe(name);
      expect(isNginxConfigFileName(name)).toBe(true);
    },
  );

  it.each([
    ["no .conf suffix", "site"],
    ["a staging file", "site.conf.next"],
    ["only the suffix", ".conf"],
    ["a hidden file", ".site.conf"],
    ["uppercase", "Site.conf"],
    ["a path", "../site.conf"],
    ["a slash", "a/b.conf"],
    ["a space", "my site.conf"],
    ["a leading hyphen", "-site.conf"],
    ["too long", `${"a".repeat(102)}.conf`],
    ["empty", ""],
  ])("rejects %s", (_label, name) => {
    expect(() => parseNginxConfigFileName(name)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(isNginxConfigFileName(name)).toBe(false);
  });

  it("rejects values that are not strings", () => {
    for (const value of [undefined, null, 42, { name: "a.conf" }]) {
      expect(() => parseNginxConfigFileName(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    }
  });
});
