import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Route } from "@director/contracts/route";
import { routerApi as api } from "@director/contracts/router-api";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InMemoryConfigFiles } from "@director/testing/in-memory-config-files";
import { injectRoute, type RouteRequest } from "@director/testing/inject-route";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { routerConfigSchema } from "../config.js";
import { createRouter, type RouterHandle } from "../main.js";

const token = "router-test-token-0123456789-0123456789" as InternalToken;
const authorization = { authorization: `Bearer ${token}` };
const spec = { hostnames: ["hello.sites.localhost"] };
const hello = { params: { siteId: 42 } };
let router: RouterHandle;

function setUp(topology: "shared" | "split") {
  const files = new InMemoryConfigFiles();
  const config = routerConfigSchema.parse({
    http: {},
    token,
    edge: {},
    topology,
    dataDir: path.join(tmpdir(), `director-router-routes-${process.pid}`),
  });
  router = createRouter(config, { routeFiles: files, log: pino({ level: "silent" }) });
  return { app: router.app, files };
}

/** A request to one route of the router's table, with the token unless `headers` are given. */
const call = (target: Route, request: RouteRequest = {}) =>
  injectRoute(router.app, target, { ...request, headers: request.headers ?? authorization });

// The router makes its data directory when ready; it holds nothing these tests need afterwards.
afterAll(async () => {
  await rm(path.join(tmpdir(), `director-router-routes-${process.pid}`), { recursive: true, force: true });
});

afterEach(async () => {
  await router.close();
});

describe("router app", () => {
  it("writes the edge's default server when ready, and answers /health without a token", async () => {
    const { files } = setUp("shared");
    const response = await call(api.health, { headers: {} });
    expect(response.json()).toEqual({ ok: true, component: "router" });
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
    expect(files.files.get("00-default.conf" as never)).not.toContain("upstream");
  });

  it("defines the balancers' upstream in the split topology", async () => {
    const { app, files } = setUp("split");
    await app.ready();
    expect(files.files.get("00-default.conf" as never)).toContain(
      "upstream director_balancers {\n    server 127.0.0.1:8082;\n",
    );
  });

  it("refuses requests without the token and changes nothing", async () => {
    const { files } = setUp("split");
    for (const [target, request] of [
      [api.upsertRoute, { ...hello, body: spec }],
      [api.removeRoute, hello],
      [api.removeLegacyRoute, { params: { siteName: "hello" } }],
      [api.routeInventory, {}],
    ] as const) {
      const response = await call(target, { ...request, headers: {} });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("INTERNAL_AUTH_INVALID");
    }
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });
});

describe("a site's route", () => {
  it("writes no file in the shared topology and says so", async () => {
    const { files } = setUp("shared");
    const response = await call(api.upsertRoute, { ...hello, body: spec });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ written: false });
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });

  it("writes one file per site, named by its id, in the split topology, idempotently, and removes it", async () => {
    const { files } = setUp("split");
    for (let round = 0; round < 2; round++) {
      const response = await call(api.upsertRoute, { ...hello, body: spec });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ written: true });
    }
    expect([...files.files.keys()]).toEqual(["00-default.conf", "site-42.conf"]);
    expect(files.files.get("site-42.conf" as never)).toContain("    server_name hello.sites.localhost;\n");
    for (let round = 0; round < 2; round++) {
      expect((await call(api.removeRoute, hello)).statusCode).toBe(204);
    }
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });

  it.each([
    ["split", ["00-default.conf", "route-other.conf", "site-42.conf"]],
    ["shared", ["00-default.conf", "route-other.conf"]],
  ] as const)("replaces the file an older router named by site name (%s topology)", async (topology, left) => {
    const { app, files } = setUp(topology);
    await app.ready();
    files.files.set("route-hello.conf" as never, "# Route of site 42 (hello)\n");
    files.files.set("route-other.conf" as never, "# Route of site 7 (other)\n");
    expect((await call(api.upsertRoute, { ...hello, body: spec })).statusCode).toBe(200);
    expect([...files.files.keys()].sort()).toEqual(left);
    // and a leftover one of a site that is gone, by its name
    for (let round = 0; round < 2; round++) {
      expect((await call(api.removeLegacyRoute, { params: { siteName: "other" } })).statusCode).toBe(204);
    }
    expect(files.files.has("route-other.conf" as never)).toBe(false);
  });

  it.each([
    ["a bad site id", { params: { siteId: "hello" }, body: spec }, "VALIDATION_FAILED"],
    ["a custom domain", { ...hello, body: { hostnames: ["hello.example.org"] } }, "VALIDATION_FAILED"],
    [
      "a hostname outside the sites domain",
      { ...hello, body: { hostnames: ["sites.localhost"] } },
      "VALIDATION_FAILED",
    ],
    ["a hostname nginx would misread", { ...hello, body: { hostnames: ["a;b"] } }, "VALIDATION_FAILED"],
    ["no hostnames", { ...hello, body: { hostnames: [] } }, "VALIDATION_FAILED"],
    ["no body", hello, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and writes nothing", async (_label, request, code) => {
    const { files } = setUp("split");
    const response = await call(api.upsertRoute, request);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });

  it("refuses a legacy route name that is no site name", async () => {
    setUp("split");
    const response = await call(api.removeLegacyRoute, { params: { siteName: "Hello;" } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("SITE_NAME_INVALID");
  });

  it("reports nginx refusing the route as 502 NGINX_CONFIG_REJECTED", async () => {
    const { app, files } = setUp("split");
    await app.ready();
    files.rejectNext("host not found in upstream");
    const response = await call(api.upsertRoute, { ...hello, body: spec });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe("NGINX_CONFIG_REJECTED");
  });
});

describe("the router's inventory", () => {
  it("reads back each route file in the split topology, tells a hand-edited one, and lists files named by site name", async () => {
    const { files } = setUp("split");
    await call(api.upsertRoute, { ...hello, body: spec });
    await call(api.upsertRoute, { params: { siteId: 7 }, body: { hostnames: ["other.sites.localhost"] } });
    const other = files.files.get("site-7.conf" as never) ?? "";
    files.files.set("site-7.conf" as never, `${other}# edited\n`);
    files.files.set("route-old.conf" as never, "# Route of site 9 (old)\n");
    const response = await call(api.routeInventory);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      topology: "split",
      needsRouteFiles: true,
      routes: [
        { siteId: 42, hostnames: ["hello.sites.localhost"], isCurrent: true },
        { siteId: 7, hostnames: ["other.sites.localhost"], isCurrent: false },
      ],
      legacyRoutes: [{ siteName: "old" }],
    });
  });

  it("needs no route files in the shared topology, and lists a leftover one as not current", async () => {
    const { app, files } = setUp("shared");
    await app.ready();
    files.files.set(
      "site-42.conf" as never,
      "# Route of site 42\nserver {\n    server_name hello.sites.localhost;\n}\n",
    );
    const response = await call(api.routeInventory);
    expect(response.json()).toEqual({
      topology: "shared",
      needsRouteFiles: false,
      routes: [{ siteId: 42, hostnames: ["hello.sites.localhost"], isCurrent: false }],
      legacyRoutes: [],
    });
  });
});
