import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { afterEach, describe, expect, it } from "vitest";
import { buildTestOrchestratorApp, callRoute } from "../testing/test-app.js";

const spec = { name: "hello", type: "static", availability: "enabled", clientBodyLimitBytes: 1000 };
const site = { params: { id: 42 } };
let current: ReturnType<typeof buildTestOrchestratorApp>;

function setUp(options: { hasRuntime?: boolean } = {}) {
  current = buildTestOrchestratorApp(options);
  return current;
}

afterEach(async () => {
  await current.app.close();
});

describe("orchestrator token", () => {
  it("answers /health without a token", async () => {
    const { app } = setUp();
    const response = await callRoute(app, api.health, { headers: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, component: "orchestrator" });
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789-0123456789-0123" }],
    ["a non-bearer scheme", { authorization: "Basic dXNlcjpwYXNz" }],
  ])("refuses every mutation with %s and changes nothing", async (_label, headers) => {
    const { app, directories, files, configFiles } = setUp();
    const file = { ...site, query: { path: "public/index.html" } };
    for (const [target, request] of [
      [api.ensureSiteDirectories, site],
      [api.upsertBalancer, { ...site, body: spec }],
      [api.writeFile, { ...file, body: Buffer.from("x") }],
      [api.readFile, file],
    ] as const) {
      const response = await callRoute(app, target, { ...request, headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("INTERNAL_AUTH_INVALID");
    }
    expect(directories.ids.size).toBe(0);
    expect(files.files.size).toBe(0);
    expect(configFiles.files.size).toBe(0);
  });
});

describe("a site's directories", () => {
  it("creates and removes a site's directories idempotently", async () => {
    const { app, directories } = setUp();
    for (let round = 0; round < 2; round++) {
      expect((await callRoute(app, api.ensureSiteDirectories, site)).statusCode).toBe(204);
    }
    expect([...directories.ids]).toEqual([42]);
    for (let round = 0; round < 2; round++) {
      expect((await callRoute(app, api.removeSiteDirectories, site)).statusCode).toBe(204);
    }
    expect(directories.ids.size).toBe(0);
  });

  it("deletes no file while a process of the site still runs, and waits for it when the service is removed", async () => {
    const { app, directories, runtime } = setUp({ hasRuntime: true });
    await callRoute(app, api.ensureSiteDirectories, site);
    await callRoute(app, api.upsertService, { ...site, body: { isEnabled: true } });
    const refused = await callRoute(app, api.removeSiteDirectories, site);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("SITE_PROCESS_STILL_RUNNING");
    expect([...directories.ids]).toEqual([42]);

    // The service goes at once, its process a moment later: the removal answers once it has ended.
    runtime.stoppingProcesses.add(42 as never);
    setTimeout(() => runtime.stoppingProcesses.delete(42 as never), 100);
    const removed = await callRoute(app, api.removeService, site);
    expect(removed.statusCode).toBe(204);
    expect(await runtime.hasRunningProcess(42 as never)).toBe(false);
    expect((await callRoute(app, api.removeSiteDirectories, site)).statusCode).toBe(204);
    expect(directories.ids.size).toBe(0);
  });

  it("fails a service removal whose process outlives the wait, so that the step is tried again", async () => {
    const { app, runtime } = setUp({ hasRuntime: true });
    runtime.stoppingProcesses.add(42 as never);
    const removed = await callRoute(app, api.removeService, site);
    expect(removed.statusCode).toBe(503);
    expect(removed.json().error.code).toBe("SITE_PROCESS_STILL_RUNNING");
  });

  it.each(["abc", "0", "-1", "1.5", "99999999999999999"])("refuses the site id %s", async (id) => {
    const { app, directories } = setUp();
    const response = await callRoute(app, api.ensureSiteDirectories, { params: { id } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_FAILED");
    expect(directories.ids.size).toBe(0);
  });
});

describe("a site's place on the balancer", () => {
  it("serves a static site from the index without a server block of its own, idempotently, and removes it", async () => {
    const { app, configFiles, siteIndex } = setUp();
    for (let round = 0; round < 2; round++) {
      expect((await callRoute(app, api.upsertBalancer, { ...site, body: spec })).statusCode).toBe(204);
    }
    expect(configFiles.files.size).toBe(0);
    expect(await siteIndex.read(42 as never)).toEqual({
      id: 42,
      name: "hello",
      answer: "files",
      siteDirectory: "/srv/sites/42",
      domains: [],
      isNameLinked: true,
      unlinkedDomains: [],
    });
    for (let round = 0; round < 2; round++) {
      expect((await callRoute(app, api.removeBalancer, site)).statusCode).toBe(204);
    }
    expect(siteIndex.entries.size).toBe(0);
    expect(siteIndex.names.size).toBe(0);
  });

  it("answers a disabled site with its notice, and moves a renamed site's name", async () => {
    const { app, siteIndex } = setUp();
    await callRoute(app, api.upsertBalancer, { ...site, body: spec });
    await callRoute(app, api.upsertBalancer, { ...site, body: { ...spec, name: "renamed", availability: "disabled" } });
    expect(await siteIndex.read(42 as never)).toMatchObject({
      name: "renamed",
      answer: "disabled",
      siteDirectory: null,
    });
    expect([...siteIndex.names]).toEqual([["renamed", 42]]);
  });

  it("gives a running dynamic site its own server block, with the configured body limit when the spec has none", async () => {
    const { app, configFiles, siteIndex } = setUp();
    const { clientBodyLimitBytes: _omitted, ...withoutLimit } = spec;
    const running = { ...withoutLimit, type: "dynamic", upstream: { address: "10.0.0.1", port: 8080 } };
    expect((await callRoute(app, api.upsertBalancer, { ...site, body: running })).statusCode).toBe(204);
    const text = configFiles.files.get("site-42.conf" as never) ?? "";
    expect(text).toContain("    server_name hello.sites.localhost;\n");
    expect(text).toContain("    client_max_body_size 2097152;\n");
    expect(text).toContain("    server 10.0.0.1:8080;\n");
    // Below its own block, the index says "not running" for when the block goes.
    expect(await siteIndex.read(42 as never)).toMatchObject({ answer: "not-running" });
    await callRoute(app, api.upsertBalancer, { ...site, body: { ...running, upstream: null } });
    expect(configFiles.files.size).toBe(0);
  });

  it("takes the site's id from the path, whatever id a body carries", async () => {
    const { app, siteIndex } = setUp();
    expect((await callRoute(app, api.upsertBalancer, { ...site, body: { ...spec, id: 43 } })).statusCode).toBe(204);
    expect(await siteIndex.listSiteIds()).toEqual([42]);
  });

  it.each([
    ["a name nginx would misread", { ...spec, name: "a;b" }, "SITE_NAME_INVALID"],
    ["a name with braces", { ...spec, name: "x}" }, "SITE_NAME_INVALID"],
    ["an unknown availability", { ...spec, availability: "sometimes" }, "VALIDATION_FAILED"],
    ["a negative body limit", { ...spec, clientBodyLimitBytes: -1 }, "VALIDATION_FAILED"],
    ["no body", undefined, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and writes nothing", async (_label, body, code) => {
    const { app, configFiles, siteIndex } = setUp();
    const response = await callRoute(app, api.upsertBalancer, { ...site, body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(configFiles.files.size).toBe(0);
    expect(siteIndex.entries.size).toBe(0);
  });

  it("reports nginx refusing a site's own block as 502 NGINX_CONFIG_REJECTED, and changes nothing", async () => {
    const { app, configFiles, siteIndex } = setUp();
    configFiles.rejectNext("unknown directive");
    const running = { ...spec, type: "dynamic", upstream: { address: "10.0.0.1", port: 8080 } };
    const response = await callRoute(app, api.upsertBalancer, { ...site, body: running });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe("NGINX_CONFIG_REJECTED");
    expect(configFiles.files.size).toBe(0);
    expect(siteIndex.entries.size).toBe(0);
  });
});
