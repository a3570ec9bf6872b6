import { describe, expect, it } from "vitest";
import { oidcConfigSchema } from "../../config.js";
import { mapOidcClaims } from "./oidc-claims.js";

const mapping = oidcConfigSchema.shape.claims.parse({});
const custom = oidcConfigSchema.shape.claims.parse({
  username: "uid",
  name: "cn",
  role: "groups",
  teacherValues: ["Faculty"],
  graduationYear: "class_of",
});

describe("mapOidcClaims", () => {
  it("maps the default claims", () => {
    expect(
      mapOidcClaims(
        {
          sub: "s1",
          preferred_username: " JSmith ",
          name: "Jo Smith",
          email: "jo@school.test",
          role: "teacher",
          graduation_year: "2026",
        },
        mapping,
      ),
    ).toEqual({
      subject: "s1",
      username: "jsmith",
      displayName: "Jo Smith",
      email: "jo@school.test",
      role: "teacher",
      graduationYear: 2026,
    });
  });

  it.each([
    [{ groups: ["faculty", "x"] }, "teacher"],
    [{ groups: "FACULTY" }, "teacher"],
    [{ groups: ["students"] }, "student"],
    [{ groups: [] }, null],
    [{}, null],
    [{ groups: 7 }, null],
  ])("maps role claim %o to %s", (claims, role) => {
    expect(mapOidcClaims({ sub: "s", uid: "u1", ...claims }, custom).role).toBe(role);
  });

  it.each([
    [2027, 2027],
    ["2027", 2027],
    ["20x7", null],
    [1800, null],
    [2027.5, null],
    [undefined, null],
  ])("maps graduation year %o to %o", (value, year) => {
    expect(mapOidcClaims({ sub: "s", uid: "u1", class_of: value }, custom).graduationYear).toBe(year);
  });

  it("joins given and family names without a full name, and falls back to the username", () => {
    expect(
      mapOidcClaims({ sub: "s", preferred_username: "a", given_name: "Ada", family_name: "L" }, mapping).displayName,
    ).toBe("Ada L");
    expect(mapOidcClaims({ sub: "s", preferred_username: "a" }, mapping)).toMatchObject({
      displayName: "a",
      email: "",
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ preferred_username: "a" }, "no subject"],
    [{ sub: "s" }, "no username claim"],
    [{ sub: "s", preferred_username: "a b" }, "an invalid username"],
    [{ sub: "s", preferred_username: "x".repeat(40) }, "a too long username"],
    [{ sub: "s", preferred_username: ["a"] }, "a list as username"],
  ])("refuses %o (%s) with OIDC_LOGIN_FAILED", (claims, _why) => {
    expect(() => mapOidcClaims(claims, mapping)).toThrowError(expect.objectContaining({ code: "OIDC_LOGIN_FAILED" }));
  });
});
