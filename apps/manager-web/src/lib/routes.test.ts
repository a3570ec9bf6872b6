import { describe, expect, it } from "vitest";
import { isAdminOnly, isWide, matchRoute, pages, pathTo, withQuery } from "./routes";

describe("matchRoute", () => {
  it("finds fixed pages, with or without a trailing slash", () => {
    expect(matchRoute("/")).toEqual({ name: "sites", params: {} });
    expect(matchRoute("/sites/new")).toEqual({ name: "newSite", params: {} });
    expect(matchRoute("/admin/users/")).toEqual({ name: "adminUsers", params: {} });
  });
  it("decodes a site's name and round-trips pathTo", () => {
    expect(matchRoute("/sites/robotics-club")).toEqual({ name: "site", params: { name: "robotics-club" } });
    expect(pathTo("site", { name: "a b" })).toBe("/sites/a%20b");
    expect(matchRoute(pathTo("site", { name: "a b/c" }))).toEqual({ name: "site", params: { name: "a b/c" } });
  });
  it("finds a site's workspace below the site", () => {
    expect(matchRoute(pathTo("siteWorkspace", { name: "blog" }))).toEqual({
      name: "siteWorkspace",
      params: { name: "blog" },
    });
    expect(pathTo("siteWorkspace", { name: "blog" })).toBe("/sites/blog/workspace");
    expect(isWide("siteWorkspace")).toBe(true);
    expect(isWide("site")).toBe(false);
  });
  it("is null for unknown or malformed addresses", () => {
    expect(matchRoute("/nothing")).toBeNull();
    expect(matchRoute("/sites/a/b")).toBeNull();
    expect(matchRoute("/sites/%E0%A4%A")).toBeNull();
  });
  it("matches every page of the table at its own path", () => {
    for (const name of Object.keys(pages) as Array<keyof typeof pages>) {
      const path = pages[name].path.replace(":name", "x");
      expect(matchRoute(path)?.name).toBe(name);
    }
  });
});

describe("pathTo and withQuery", () => {
  it("writes a page's address with the query values that are set, in order", () => {
    expect(pathTo("adminOperations")).toBe("/admin/operations");
    expect(withQuery(pathTo("sites"), { q: "name:club", page: 2 })).toBe("/?q=name%3Aclub&page=2");
    expect(withQuery(pathTo("sites"), { q: "", page: undefined })).toBe("/");
  });
});

describe("isAdminOnly", () => {
  it("holds for the administration pages only", () => {
    const adminPages = (Object.keys(pages) as Array<keyof typeof pages>).filter(isAdminOnly);
    expect(adminPages).toEqual([
      "adminApprovals",
      "adminSites",
      "adminUsers",
      "adminOperations",
      "adminImages",
      "adminAudit",
      "adminDomains",
      "adminDatabaseHosts",
      "adminUsage",
      "adminMail",
    ]);
  });
});
