import type { InternalToken } from "@director/http-kit/internal-auth";
import { InMemoryConfigFiles } from "@director/testing/in-memory-config-files";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { routerConfigSchema } from "../config.js";
import { createRouter, type RouterHandle } from "../main.js";

const token = "router-test-token-0123456789-0123456789" as InternalToken;
const authorization = { authorization: `Bearer ${token}` };
const spec = { siteId: 42, hostnames: ["hello.sites.localhost"] };
let router: RouterHandle;

function setUp(topology: "shared" | "split") {
  const files = new InMemoryConfigFiles();
  const config = routerConfigSchema.parse({ http: {}, token, edge: {}, topology });
  router = createRouter(config, { routeFiles: files, log: pino({ level: "silent" }) });
  return { app: router.app, files };
}

afterEach(async () => {
  await router.close();
});

describe("router app", () => {
  it("writes the edge's default server when ready, and answers /health without a token", async () => {
    const { app, files } = setUp("shared");
    const response = await app.inject({ method: "GET", url: "/health" });
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
    const { app, files } = setUp("split");
    for (const request of [
      { method: "PUT" as const, url: "/internal/v1/routes/hello", payload: spec },
      { method: "DELETE" as const, url: "/internal/v1/routes/hello" },
      { method: "GET" as const, url: "/internal/v1/routes" },
    ]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("INTERNAL_AUTH_INVALID");
    }
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });
});

describe("PUT/DELETE /internal/v1/routes/:siteName", () => {
  it("writes no file in the shared topology and says so", async () => {
    const { app, files } = setUp("shared");
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/routes/hello",
      headers: authorization,
      payload: spec,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ written: false });
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });

  it("writes one file per site in the split topology, idempotently, and removes it", async () => {
    const { app, files } = setUp("split");
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "PUT",
        url: "/internal/v1/routes/hello",
        headers: authorization,
        payload: spec,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ written: true });
    }
    expect([...files.files.keys()]).toEqual(["00-default.conf", "route-hello.conf"]);
    expect(files.files.get("route-hello.conf" as never)).toContain("    server_name hello.sites.localhost;\n");
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({ method: "DELETE", url: "/internal/v1/routes/hello", headers: authorization });
      expect(response.statusCode).toBe(204);
    }
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });

  it.each([
    ["a bad site name", "/internal/v1/routes/Hello%3B", spec, "SITE_NAME_INVALID"],
    // refused by Fastify while routing: still the error body (http-kit's frameworkErrors)
    ["a malformed percent-encoding", "/internal/v1/routes/%c0%ae", spec, "VALIDATION_FAILED"],
    [
      "a custom domain",
      "/internal/v1/routes/hello",
      { ...spec, hostnames: ["hello.example.org"] },
      "VALIDATION_FAILED",
    ],
    [
      "another site's hostname",
      "/internal/v1/routes/hello",
      { ...spec, hostnames: ["other.sites.localhost"] },
      "VALIDATION_FAILED",
    ],
    [
      "a hostname nginx would misread",
      "/internal/v1/routes/hello",
      { ...spec, hostnames: ["a;b"] },
      "VALIDATION_FAILED",
    ],
    ["no hostnames", "/internal/v1/routes/hello", { ...spec, hostnames: [] }, "VALIDATION_FAILED"],
    ["no site id", "/internal/v1/routes/hello", { hostnames: spec.hostnames }, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and writes nothing", async (_label, url, payload, code) => {
    const { app, files } = setUp("split");
    const response = await app.inject({ method: "PUT", url, headers: authorization, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect([...files.files.keys()]).toEqual(["00-default.conf"]);
  });

  it("reports nginx refusing the route as 502 NGINX_CONFIG_REJECTED", async () => {
    const { app, files } = setUp("split");
    await app.ready();
    files.rejectNext("host not found in upstream");
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/routes/hello",
      headers: authorization,
      payload: spec,
    });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe("NGINX_CONFIG_REJECTED");
  });
});

describe("GET /internal/v1/routes", () => {
  it("reads back each route file in the split topology, and tells a hand-edited one", async () => {
    const { app, files } = setUp("split");
    await app.inject({ method: "PUT", url: "/internal/v1/routes/hello", headers: authorization, payload: spec });
    await app.inject({
      method: "PUT",
      url: "/internal/v1/routes/other",
      headers: authorization,
      payload: { siteId: 7, hostnames: ["other.sites.localhost"] },
    });
    const other = files.files.get("route-other.conf" as never) ?? "";
    files.files.set("route-other.conf" as never, `${other}# edited\n`);
    const response = await app.inject({ method: "GET", url: "/internal/v1/routes", headers: authorization });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      topology: "split",
      needsRouteFiles: true,
      routes: [
        { siteName: "hello", siteId: 42, hostnames: ["hello.sites.localhost"], isCurrent: true },
        { siteName: "other", siteId: 7, hostnames: ["other.sites.localhost"], isCurrent: false },
      ],
    });
  });

  it("needs no route files in the shared topology, and lists a leftover one as not current", async () => {
    const { app, files } = setUp("shared");
    await app.ready();
    files.files.set(
      "route-hello.conf" as never,
      "# Route of site 42 (hello)\nserver {\n    server_name hello.sites.localhost;\n}\n",
    );
    const response = await app.inject({ method: "GET", url: "/internal/v1/routes", headers: authorization });
    expect(response.json()).toEqual({
      topology: "shared",
      needsRouteFiles: false,
      routes: [{ siteName: "hello", siteId: 42, hostnames: ["hello.sites.localhost"], isCurrent: false }],
    });
  });
});
