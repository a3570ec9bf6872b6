import { describe, expect, it } from "vitest";
import { parseCourseName, parseSiteNamePattern, siteNameFor } from "./course.js";

describe("course names and site name patterns", () => {
  const course = parseCourseName("cs101");

  it("accepts a short site-name-like course name and refuses others with VALIDATION_FAILED", () => {
    expect(parseCourseName("web-2")).toBe("web-2");
    for (const bad of ["a", "CS101", "cs_101", "-cs", "a-very-long-course-name", 101]) {
      expect(() => parseCourseName(bad), String(bad)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    }
  });

  it("makes each student's site name, turning a username's dots and underscores into hyphens", () => {
    expect(siteNameFor("{course}-{username}", course, "jdoe")).toBe("cs101-jdoe");
    expect(siteNameFor("{username}-{course}", course, "j.doe_2")).toBe("j-doe-2-cs101");
    expect(() => siteNameFor("{course}-{username}", course, "a".repeat(30))).toThrow(
      expect.objectContaining({ code: "SITE_NAME_INVALID" }),
    );
  });

  it("refuses a pattern without {username}, with an unknown placeholder, or with text no site name holds", () => {
    expect(parseSiteNamePattern("web-{username}", course)).toBe("web-{username}");
    for (const bad of [
      "{course}",
      "{course}-{user}",
      "{course}_{username}",
      `{course}-{username}-${"x".repeat(40)}`,
      "",
    ]) {
      expect(() => parseSiteNamePattern(bad, course), bad).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED" }),
      );
    }
  });
});
