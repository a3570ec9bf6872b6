import { describe, expect, it } from "vitest";
import { matchRoute, sitePath } from "./routes";

describe("matchRoute", () => {
  it("finds fixed pages, with or without a trailing slash", () => {
    expect(matchRoute("/")).toEqual({ name: "sites", params: {} });
    expect(matchRoute("/sites/new")).toEqual({ name: "newSite", params: {} });
    expect(matchRoute("/admin/users/")).toEqual({ name: "adminUsers", params: {} });
  });
  it("decodes a site's name and round-trips sitePath", () => {
    expect(matchRoute("/sites/robotics-club")).toEqual({ name: "site", params: { name: "robotics-club" } });
    expect(matchRoute(sitePath("a b"))).toEqual({ name: "site", params: { name: "a b" } });
  });
  it("is null for unknown or malformed addresses", () => {
    expect(matchRoute("/nothing")).toBeNull();
    expect(matchRoute("/sites/a/b")).toBeNull();
    expect(matchRoute("/sites/%E0%A4%A")).toBeNull();
  });
});
