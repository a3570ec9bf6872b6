import { describe, expect, it } from "vitest";
import { displayCustomDomain, isDomainUnder, parseCustomDomain } from "./custom-domain.js";
import { isDirectorError } from "./errors.js";

function codeOf(value: unknown): string | null {
  try {
    parseCustomDomain(value);
    return null;
  } catch (error) {
    return isDirectorError(error) ? error.code : "not a DirectorError";
  }
}

describe("parseCustomDomain", () => {
  it.each([
    ["www.example.org", "www.example.org"],
    ["Example.ORG", "example.org"],
    ["example.org.", "example.org"],
    ["a-b.c-d.example.co.uk", "a-b.c-d.example.co.uk"],
    ["münchen.de", "xn--mnchen-3ya.de"],
    ["MÜNCHEN.de", "xn--mnchen-3ya.de"],
    ["xn--mnchen-3ya.de", "xn--mnchen-3ya.de"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
    ["shop.example.test", "shop.example.test"],
    ["1password.com", "1password.com"],
    [`${"a".repeat(63)}.example.org`, `${"a".repeat(63)}.example.org`],
  ])("normalises %s to %s", (input, expected) => {
    expect(parseCustomDomain(input)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["not text", 42],
    ["null", null],
    ["a single label", "intranet"],
    ["a wildcard", "*.example.org"],
    ["a wildcard inside", "a.*.example.org"],
    ["an IPv4 address", "192.168.1.10"],
    ["an IPv4 address with a dot", "10.0.0.1."],
    ["an IPv6 literal", "[::1]"],
    ["a bare IPv6 address", "fe80::1"],
    ["localhost", "localhost"],
    ["a name under localhost", "app.localhost"],
    ["mDNS", "printer.local"],
    [".invalid", "x.invalid"],
    ["reverse lookup", "1.0.0.127.in-addr.arpa"],
    ["an onion service", "abc.onion"],
    ["two trailing dots", "example.org.."],
    ["a leading dot", ".example.org"],
    ["two dots in a row", "a..example.org"],
    ["a leading hyphen", "-a.example.org"],
    ["a trailing hyphen", "a-.example.org"],
    ["an underscore", "my_site.example.org"],
    ["a label of 64 characters", `${"a".repeat(64)}.example.org`],
    ["a name of 254 characters", `${"a.".repeat(125)}abcd`],
    ["a scheme", "https://example.org"],
    ["a port", "example.org:8080"],
    ["a path", "example.org/about"],
    ["a space", "exa mple.org"],
    ["a newline", "example.org\nserver_name evil"],
    ["a semicolon", "example.org;return"],
    ["a quote", 'example.org"'],
    ["credentials", "user@example.org"],
    ["a NUL", "example.org\u0000"],
    ["a numeric top-level label", "example.123"],
    ["invalid punycode", "xn--zz.example.org"],
    ["a zero-width space", "a\u200b.example.org"],
    ["a right-to-left mark", "a\u200f.example.org"],
  ])("refuses %s with DOMAIN_INVALID", (_label, value) => {
    expect(codeOf(value)).toBe("DOMAIN_INVALID");
  });

  it("says why in words, with the field it belongs to", () => {
    try {
      parseCustomDomain("*.example.org");
      expect.unreachable();
    } catch (error) {
      expect(isDirectorError(error) && error.message).toMatch(/wildcards are not supported/);
      expect(isDirectorError(error) && error.details).toMatchObject({ fields: { domain: expect.any(String) } });
    }
  });
});

describe("displayCustomDomain and isDomainUnder", () => {
  it("shows punycode in its own script", () => {
    expect(displayCustomDomain(parseCustomDomain("münchen.de"))).toBe("münchen.de");
  });

  it("matches a suffix on label boundaries only", () => {
    expect(isDomainUnder("a.example.org", "example.org")).toBe(true);
    expect(isDomainUnder("example.org", "example.org")).toBe(true);
    expect(isDomainUnder("badexample.org", "example.org")).toBe(false);
  });
});
