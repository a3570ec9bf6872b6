import { parseCustomDomain } from "@director/domain/custom-domain";
import { isDirectorError } from "@director/domain/errors";
import { describe, expect, it } from "vitest";
import { assertDomainAllowed, assertRoomForDomain, type DomainRules } from "./domains.policy.js";

const rules: DomainRules = {
  sitesDomain: "sites.school.example",
  publicHost: "director.school.example",
  reserved: ["school.example"],
  blocked: ["bank.example", "login.example.org"],
  perSite: 2,
};
const student = { isSuperuser: false };
const admin = { isSuperuser: true };

function codeFor(domain: string, actor: { isSuperuser: boolean }): string | null {
  try {
    assertDomainAllowed(parseCustomDomain(domain), actor, rules);
    return null;
  } catch (error) {
    return isDirectorError(error) ? error.code : "not a DirectorError";
  }
}

describe("assertDomainAllowed", () => {
  it.each([
    ["a domain of one's own", "www.my-club.example.org", null, null],
    ["the sites domain", "sites.school.example", "DOMAIN_RESERVED", null],
    ["another site's name under the sites domain", "alice.sites.school.example", "DOMAIN_RESERVED", null],
    ["Director's own host", "director.school.example", "DOMAIN_RESERVED", null],
    ["the reserved zone", "school.example", "DOMAIN_RESERVED", null],
    ["a name under the reserved zone", "www.school.example", "DOMAIN_RESERVED", null],
    ["a blocked domain", "bank.example", "DOMAIN_BLOCKED", "DOMAIN_BLOCKED"],
    ["a name under a blocked domain", "secure.bank.example", "DOMAIN_BLOCKED", "DOMAIN_BLOCKED"],
    ["a blocked name only, not its parent", "example.org", null, null],
    ["a name that only ends like a reserved one", "myschool.example", null, null],
  ])("%s: %s (student %s, administrator %s)", (_label, domain, forStudent, forAdmin) => {
    expect(codeFor(domain, student)).toBe(forStudent);
    expect(codeFor(domain, admin)).toBe(forAdmin);
  });
});

describe("assertRoomForDomain", () => {
  it("allows up to the limit and refuses past it", () => {
    expect(() => assertRoomForDomain(1, rules)).not.toThrow();
    expect(() => assertRoomForDomain(2, rules)).toThrow(expect.objectContaining({ code: "DOMAIN_LIMIT_REACHED" }));
  });
});
