import { describe, expect, it } from "vitest";
import { oauth2ConfigSchema, oidcConfigSchema, oidcProfileMapping } from "../../config-login.js";
import { mapOidcClaims, valueAt } from "./oidc-claims.js";

const mapping = oidcProfileMapping(oidcConfigSchema.shape.claims.parse({}));
const custom = oidcProfileMapping(
  oidcConfigSchema.shape.claims.parse({
    username: "uid",
    name: "cn",
    role: "groups",
    teacherValues: ["Faculty"],
    graduationYear: "class_of",
  }),
);
/** The OAuth2 defaults, which read Ion's profile. */
const ion = oauth2ConfigSchema.shape.fields.parse({});

/** A profile as Ion's `/api/profile` answers it (shortened; the fields Director reads are all here). */
const ionProfile = {
  id: 31416,
  ion_username: "2027aturing",
  display_name: "Alan Turing",
  full_name: "Alan M. Turing",
  first_name: "Alan",
  last_name: "Turing",
  tj_email: "2027aturing@tjhsst.edu",
  emails: [{ address: "alan@example.org" }],
  grade: { number: 10, name: "sophomore" },
  graduation_year: 2027,
  user_type: "student",
  is_student: true,
  is_teacher: false,
};

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

  it("reads Ion's profile with the OAuth2 defaults (a numeric id is the subject)", () => {
    expect(mapOidcClaims(ionProfile, ion)).toEqual({
      subject: "31416",
      username: "2027aturing",
      displayName: "Alan M. Turing",
      email: "2027aturing@tjhsst.edu",
      role: "student",
      graduationYear: 2027,
    });
    expect(mapOidcClaims({ ...ionProfile, user_type: "counselor", graduation_year: null }, ion)).toMatchObject({
      role: "teacher",
      graduationYear: null,
    });
  });

  it("follows dotted paths into objects and lists, and maps a yes/no role field", () => {
    const paths = oauth2ConfigSchema.shape.fields.parse({
      email: "emails.0.address",
      role: "is_teacher",
      teacherValues: ["true"],
    });
    expect(mapOidcClaims(ionProfile, paths)).toMatchObject({ email: "alan@example.org", role: "student" });
    expect(mapOidcClaims({ ...ionProfile, is_teacher: true }, paths).role).toBe("teacher");
  });

  it.each<[string, unknown]>([
    ["grade.name", "sophomore"],
    ["emails.0.address", "alan@example.org"],
    ["emails.1.address", undefined],
    ["grade.number.x", undefined],
    ["constructor", undefined],
    ["emails.length", undefined],
  ])("valueAt(profile, %s) is %o", (path, value) => {
    expect(valueAt(ionProfile, path)).toBe(value);
  });

  it("finds a claim whose name has dots before reading it as a path", () => {
    const claims = { "https://school.test/role": "teacher", https: { "//school": "x" } };
    expect(valueAt(claims, "https://school.test/role")).toBe("teacher");
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
