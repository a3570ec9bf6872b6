import { describe, expect, it } from "vitest";
import {
  matchesSiteSearch,
  parseSiteSearch,
  readSiteListLocation,
  siteListLocation,
  siteListQuery,
} from "./site-search";

describe("parseSiteSearch", () => {
  it("reads field prefixes and plain words, lowercased", () => {
    expect(parseSiteSearch("name:Club user:JDoe robotics id:12 desc:lab")).toEqual([
      { field: "name", value: "club" },
      { field: "user", value: "jdoe" },
      { field: "text", value: "robotics" },
      { field: "id", value: "12" },
      { field: "desc", value: "lab" },
    ]);
  });
  it("keeps quoted phrases together, with or without a prefix", () => {
    expect(parseSiteSearch('desc:"lab notes" "open house"')).toEqual([
      { field: "desc", value: "lab notes" },
      { field: "text", value: "open house" },
    ]);
  });
  it("treats an unknown prefix as part of a word and drops empty terms", () => {
    expect(parseSiteSearch("  http://x  name:  ")).toEqual([{ field: "text", value: "http://x" }]);
    expect(parseSiteSearch("")).toEqual([]);
  });
});

describe("matchesSiteSearch", () => {
  const site = { id: 12, name: "robotics-club", description: "The robotics team's lab notes", members: ["ann", "Bob"] };
  const matches = (query: string) => matchesSiteSearch(site, parseSiteSearch(query));

  it("matches every site for an empty query", () => expect(matches("")).toBe(true));
  it("matches by id exactly", () => {
    expect(matches("id:12")).toBe(true);
    expect(matches("id:1")).toBe(false);
  });
  it("matches names and descriptions by substring", () => {
    expect(matches("name:robot")).toBe(true);
    expect(matches("name:lab")).toBe(false);
    expect(matches('desc:"lab notes"')).toBe(true);
  });
  it("matches members by exact username, case-insensitive", () => {
    expect(matches("user:bob")).toBe(true);
    expect(matches("user:bo")).toBe(false);
  });
  it("matches a plain word against name, description or a member", () => {
    expect(matches("team")).toBe(true);
    expect(matches("ann")).toBe(true);
    expect(matches("chess")).toBe(false);
  });
  it("needs every term to match", () => {
    expect(matches("name:robotics user:ann")).toBe(true);
    expect(matches("name:robotics user:cid")).toBe(false);
  });
});

describe("the site list's query and address", () => {
  it("sends the trimmed query with its page", () => {
    expect(siteListQuery("  name:club   lab ", 2)).toEqual({ q: "name:club lab", limit: 50, offset: 100 });
    expect(siteListQuery("", 0)).toEqual({ limit: 50, offset: 0 });
    expect(siteListQuery("x", -3)).toEqual({ q: "x", limit: 50, offset: 0 });
  });
  it("puts the search and a 1-based page in the address, and reads them back", () => {
    expect(siteListLocation("", 0)).toBe("/");
    expect(siteListLocation("name:club", 0)).toBe("/?q=name%3Aclub");
    expect(siteListLocation("user:ann", 2)).toBe("/?q=user%3Aann&page=3");
    expect(readSiteListLocation("?q=user%3Aann&page=3")).toEqual({ q: "user:ann", page: 2 });
    expect(readSiteListLocation("")).toEqual({ q: "", page: 0 });
    expect(readSiteListLocation("?page=abc")).toEqual({ q: "", page: 0 });
    expect(readSiteListLocation("?page=-4")).toEqual({ q: "", page: 0 });
  });
});
