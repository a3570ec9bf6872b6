import { parseHostname } from "@director/domain/hostname";
import { parseSiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import { checkRouteHostnames, planRoute } from "./plan-route.js";

const id = parseSiteId(42);
const hello = [parseHostname("hello.sites.localhost")];
const env = { edgeListen: "127.0.0.1:8081" };

describe("planRoute", () => {
  it("needs no file in the shared topology (the balancer's block already answers on the edge)", () => {
    expect(planRoute(id, hello, { ...env, topology: "shared" })).toEqual({ kind: "none" });
  });

  it("renders a route file named for nothing but the site id in the split topology", () => {
    const plan = planRoute(id, hello, { ...env, topology: "split" });
    expect(plan.kind).toBe("file");
    expect(plan.kind === "file" && plan.content).toContain("# Route of site 42, written by the Director router;");
    expect(plan.kind === "file" && plan.content).toContain("    server_name hello.sites.localhost;\n");
  });
});

describe("checkRouteHostnames", () => {
  it("accepts site names under the sites domain, lowercased and deduplicated, and says which names they are", () => {
    expect(
      checkRouteHostnames(
        ["Hello.Sites.Localhost", "hello.sites.localhost", "my-site-2.sites.localhost"],
        "sites.localhost",
      ),
    ).toEqual({ hostnames: ["hello.sites.localhost", "my-site-2.sites.localhost"], siteNames: ["hello", "my-site-2"] });
  });

  it.each([
    ["a custom domain", "hello.example.org"],
    ["a subdomain of a site", "www.hello.sites.localhost"],
    ["the sites domain itself", "sites.localhost"],
    ["a name that is no site name", "a--b.sites.localhost"],
    ["a domain that only ends like it", "hello.notsites.localhost"],
    ["an invalid hostname", "hello_world.sites.localhost"],
    ["a hostname nginx would misread", "a;b"],
  ])("refuses %s", (_label, hostname) => {
    expect(() => checkRouteHostnames(["hello.sites.localhost", hostname], "sites.localhost")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});
