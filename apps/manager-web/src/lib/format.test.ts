import { describe, expect, it } from "vitest";
import { formatAuditDetails, formatBytes, joinPath, parentPath } from "./format";
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

describe("formatAuditDetails", () => {
  it("shows each field in one line, strings as they are and anything else as JSON", () => {
    expect(formatAuditDetails({ role: "teacher", isActive: false })).toBe("role: teacher · isActive: false");
    expect(formatAuditDetails({ failed: ["ann"], recipientCount: 2 })).toBe('failed: ["ann"] · recipientCount: 2');
    expect(formatAuditDetails({})).toBe("");
  });
  it("cuts a long text with an ellipsis", () => {
    const text = formatAuditDetails({ subject: "x".repeat(500) });
    expect(text).toHaveLength(160);
    expect(text.endsWith("…")).toBe(true);
  });
});
