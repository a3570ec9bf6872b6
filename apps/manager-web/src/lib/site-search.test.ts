import { describe, expect, it } from "vitest";
import { hasNextSitePage, readSiteListLocation, siteListLocation, siteListQuery, siteListRange } from "./site-search";

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

describe("the site list's pages", () => {
  it("says which results a page shows, out of the server's total", () => {
    expect(siteListRange(0, 0, 0)).toBe("");
    expect(siteListRange(1, 0, 1)).toBe("1 site");
    expect(siteListRange(30, 0, 30)).toBe("30 sites");
    expect(siteListRange(130, 1, 50)).toBe("51–100 of 130 sites");
    expect(siteListRange(130, 2, 30)).toBe("101–130 of 130 sites");
  });
  it("has a next page only while results remain", () => {
    expect(hasNextSitePage(50, 0)).toBe(false);
    expect(hasNextSitePage(51, 0)).toBe(true);
    expect(hasNextSitePage(130, 2)).toBe(false);
  });
});
