import type { SiteName } from "@director/domain/site-name";
import { describe, expect, it } from "vitest";
import { checkRouteHostnames, planRoute } from "./plan-route.js";

const hello = "hello" as SiteName;
const env = { sitesDomain: "sites.localhost", edgeListen: "127.0.0.1:8081" };

describe("planRoute", () => {
  it("needs no file in the shared topology (the balancer's block already answers on the edge)", () => {
    expect(
      planRoute(hello, { siteId: 1, hostnames: ["hello.sites.localhost"] }, { ...env, topology: "shared" }),
    ).toEqual({
      kind: "none",
    });
  });

  it("renders a route file in the split topology", () => {
    const plan = planRoute(hello, { siteId: 1, hostnames: ["hello.sites.localhost"] }, { ...env, topology: "split" });
    expect(plan.kind).toBe("file");
    expect(plan.kind === "file" && plan.content).toContain("    server_name hello.sites.localhost;\n");
  });

  it("still checks the hostnames in the shared topology", () => {
    expect(() =>
      planRoute(hello, { siteId: 1, hostnames: ["other.sites.localhost"] }, { ...env, topology: "shared" }),
    ).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("checkRouteHostnames", () => {
  it("accepts the site's own name, lowercased and deduplicated", () => {
    expect(checkRouteHostnames(hello, ["Hello.Sites.Localhost", "hello.sites.localhost"], "sites.localhost")).toEqual([
      "hello.sites.localhost",
    ]);
  });

  it.each([
    ["another site's name", "other.sites.localhost"],
    ["a custom domain", "hello.example.org"],
    ["a subdomain of the site", "www.hello.sites.localhost"],
    ["the sites domain itself", "sites.localhost"],
    ["an invalid hostname", "hello_world.sites.localhost"],
  ])("refuses %s", (_label, hostname) => {
    expect(() => checkRouteHostnames(hello, [hostname], "sites.localhost")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});
