import { describe, expect, it } from "vitest";
import { escapeLikePattern, parseSiteSearch, type SiteSearch, siteSearchMaxTerms } from "./site-search.js";

const empty: SiteSearch = { ids: [], names: [], descriptions: [], users: [], words: [] };

describe("parseSiteSearch", () => {
  it.each<[string, Partial<SiteSearch>]>([
    ["", {}],
    ["   ", {}],
    ["chess", { words: ["chess"] }],
    ["chess club", { words: ["chess", "club"] }],
    ["id:42", { ids: [42] }],
    ["name:robo desc:arduino", { names: ["robo"], descriptions: ["arduino"] }],
    ["description:art", { descriptions: ["art"] }],
    ["user:Alice", { users: ["alice"] }],
    ['desc:"chess club" user:bob', { descriptions: ["chess club"], users: ["bob"] }],
    ['"two words"', { words: ["two words"] }],
    ["NAME:x", { names: ["x"] }],
    // an unknown key is just a word; a value may itself hold a colon
    ["foo:bar", { words: ["foo:bar"] }],
    ["name:a:b", { names: ["a:b"] }],
    // wildcards are ordinary characters here; the repository escapes them
    ["100%_done", { words: ["100%_done"] }],
  ])("%j", (query, expected) => {
    expect(parseSiteSearch(query)).toEqual({ ...empty, ...expected });
  });

  it.each(["id:abc", "id:-1", "id:1.5", "id:", "name:", 'user:""', "id:12345678901"])(
    "refuses %j with a field-level error on q",
    (query) => {
      expect(() => parseSiteSearch(query)).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED", details: { fields: { q: expect.any(String) } } }),
      );
    },
  );

  it("refuses too many terms and too long a query", () => {
    const many = Array.from({ length: siteSearchMaxTerms + 1 }, (_, index) => `w${index}`).join(" ");
    expect(() => parseSiteSearch(many)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => parseSiteSearch("x".repeat(501))).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("escapeLikePattern", () => {
  it("escapes the LIKE wildcards and the escape character itself", () => {
    expect(escapeLikePattern("50%_off\\now")).toBe("50\\%\\_off\\\\now");
    expect(escapeLikePattern("plain")).toBe("plain");
  });
});
