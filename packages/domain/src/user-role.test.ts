import { describe, expect, it } from "vitest";
import { guidelinesVersionOf } from "./guidelines-version.js";
import { hasAcceptedGuidelines, mustAcceptGuidelines, parseUserRole, type UserRole } from "./user-role.js";

const current = guidelinesVersionOf("Be kind.\n");
const earlier = guidelinesVersionOf("Be nice.\n");
const acceptedAt = new Date("2025-01-15T08:00:00Z");

describe("mustAcceptGuidelines", () => {
  it.each<[string, UserRole, Date | null, string | null, boolean]>([
    ["a person who never accepted", "student", null, null, true],
    ["a teacher who never accepted", "teacher", null, null, true],
    ["a person who accepted the current text", "student", acceptedAt, current, false],
    ["a teacher who accepted the current text", "teacher", acceptedAt, current, false],
    ["a person who accepted an earlier text", "student", acceptedAt, earlier, true],
    // before versions were recorded; the manager records its version for these when it starts after the upgrade
    ["a person whose acceptance has no version", "student", acceptedAt, null, true],
    // cannot happen through the code (accepting records both), but a version alone is no acceptance
    ["a person with a version but no date", "student", null, current, true],
    ["a service account that never accepted", "service", null, null, false],
    ["a service account that accepted an earlier text", "service", acceptedAt, earlier, false],
  ])("%s → %s", (_, role, guidelinesAcceptedAt, guidelinesVersion, expected) => {
    expect(mustAcceptGuidelines({ role, guidelinesAcceptedAt, guidelinesVersion }, current)).toBe(expected);
  });
});

describe("hasAcceptedGuidelines", () => {
  it("is about the version, whatever the role: a service account that never accepted has not", () => {
    expect(
      hasAcceptedGuidelines({ role: "service", guidelinesAcceptedAt: null, guidelinesVersion: null }, current),
    ).toBe(false);
    expect(
      hasAcceptedGuidelines({ role: "student", guidelinesAcceptedAt: acceptedAt, guidelinesVersion: current }, current),
    ).toBe(true);
  });
});

describe("parseUserRole", () => {
  it.each(["student", "teacher", "service"])("accepts %s", (value) => {
    expect(parseUserRole(value)).toBe(value);
  });

  it.each(["admin", "", "Student", 1, null])("refuses %j", (value) => {
    expect(() => parseUserRole(value)).toThrow(expect.objectContaining({ code: "USER_ROLE_INVALID" }));
  });
});
