import { describe, expect, it } from "vitest";
import { routePath, routeQueryString } from "./route.js";

describe("routePath", () => {
  it("fills each parameter, percent-encoded, and a trailing * segment by segment", () => {
    expect(routePath({ path: "/api/sites/:name/members/:username" }, { name: "a b", username: "x/y" })).toBe(
      "/api/sites/a%20b/members/x%2Fy",
    );
    expect(routePath({ path: "/api/sites/:name/files/*" }, { name: "blog", "*": "public/a b/c.html" })).toBe(
      "/api/sites/blog/files/public/a%20b/c.html",
    );
    expect(routePath({ path: "/things/:id/parts" }, { id: 42 })).toBe("/things/42/parts");
  });

  it("refuses to build a path with a missing parameter", () => {
    expect(() => routePath({ path: "/api/sites/:name" }, {})).toThrow(/name/);
    expect(() => routePath({ path: "/api/sites/:name" }, { name: "" })).toThrow(/name/);
  });
});

describe("routeQueryString", () => {
  it("leaves out undefined values and encodes the rest", () => {
    expect(routeQueryString(undefined)).toBe("");
    expect(routeQueryString({ q: "user:ann blog", limit: 50, after: undefined })).toBe("?q=user%3Aann+blog&limit=50");
    expect(routeQueryString({ wait: undefined })).toBe("");
  });
});
