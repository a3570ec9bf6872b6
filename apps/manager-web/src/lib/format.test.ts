import { describe, expect, it } from "vitest";
import { formatBytes, joinPath, parentPath } from "./format";
import { parseUsernameList, suggestSiteName } from "./site-name";

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(20 * 1024 * 1024)).toBe("20 MiB");
  });
});

describe("file paths", () => {
  it("joins and goes up", () => {
    expect(joinPath("", "public")).toBe("public");
    expect(joinPath("public/", "a.html")).toBe("public/a.html");
    expect(parentPath("public/css")).toBe("public");
    expect(parentPath("public")).toBe("");
  });
});

describe("suggestSiteName", () => {
  it("makes a valid site name from an activity's name", () => {
    expect(suggestSiteName("Robotics Club!")).toBe("robotics-club");
    expect(suggestSiteName("  Café  & Chess ")).toBe("cafe-chess");
    expect(suggestSiteName("A".repeat(40))).toHaveLength(32);
    expect(suggestSiteName("x ".repeat(20))).not.toMatch(/-$/);
  });
});

describe("parseUsernameList", () => {
  it("splits on spaces, commas and lines, once each", () => {
    expect(parseUsernameList("ann, bob\ncid  Ann;")).toEqual(["ann", "bob", "cid"]);
    expect(parseUsernameList("  ")).toEqual([]);
  });
});
