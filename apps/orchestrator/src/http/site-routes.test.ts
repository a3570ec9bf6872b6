import { afterEach, describe, expect, it } from "vitest";
import { authorization, buildTestOrchestratorApp } from "../testing/test-app.js";

const spec = { id: 42, name: "hello", type: "static", availability: "enabled", clientBodyLimitBytes: 1000 };
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
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, component: "orchestrator" });
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-0123456789-0123456789-0123" }],
    ["a non-bearer scheme", { authorization: "Basic dXNlcjpwYXNz" }],
  ])("refuses every mutation with %s and changes nothing", async (_label, headers) => {
    const { app, directories, files, configFiles } = setUp();
    const requests = [
      { method: "PUT" as const, url: "/internal/v1/sites/42/directories" },
      { method: "PUT" as const, url: "/internal/v1/sites/42/balancer", payload: spec },
      {
        method: "PUT" as const,
        url: "/internal/v1/sites/42/files?path=public/index.html",
        payload: Buffer.from("x"),
        headers: { ...headers, "content-type": "application/octet-stream" },
      },
      { method: "GET" as const, url: "/internal/v1/sites/42/files?path=public/index.html" },
    ];
    for (const request of requests) {
      const response = await app.inject({ headers, ...request });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("INTERNAL_AUTH_INVALID");
    }
    expect(directories.ids.size).toBe(0);
    expect(files.files.size).toBe(0);
    expect(configFiles.files.size).toBe(0);
  });
});

describe("PUT/DELETE /internal/v1/sites/:id/directories", () => {
  it("creates and removes a site's directories idempotently", async () => {
    const { app, directories } = setUp();
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "PUT",
        url: "/internal/v1/sites/42/directories",
        headers: authorization,
      });
      expect(response.statusCode).toBe(204);
    }
    expect([...directories.ids]).toEqual([42]);
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "DELETE",
        url: "/internal/v1/sites/42/directories",
        headers: authorization,
      });
      expect(response.statusCode).toBe(204);
    }
    expect(directories.ids.size).toBe(0);
  });

  it("deletes no file while a process of the site still runs, and waits for it when the service is removed", async () => {
    const { app, directories, runtime } = setUp({ hasRuntime: true });
    const site = { method: "PUT" as const, headers: authorization };
    await app.inject({ ...site, url: "/internal/v1/sites/42/directories" });
    await app.inject({
      ...site,
      url: "/internal/v1/sites/42/service",
      payload: { id: 42, name: "hello", isEnabled: true },
    });
    const deleteFiles = { method: "DELETE" as const, url: "/internal/v1/sites/42/directories", headers: authorization };
    const refused = await app.inject(deleteFiles);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("SITE_PROCESS_STILL_RUNNING");
    expect([...directories.ids]).toEqual([42]);

    // The service goes at once, its process a moment later: the removal answers once it has ended.
    runtime.stoppingProcesses.add(42 as never);
    setTimeout(() => runtime.stoppingProcesses.delete(42 as never), 100);
    const removed = await app.inject({
      method: "DELETE",
      url: "/internal/v1/sites/42/service",
      headers: authorization,
    });
    expect(removed.statusCode).toBe(204);
    expect(await runtime.hasRunningProcess(42 as never)).toBe(false);
    expect((await app.inject(deleteFiles)).statusCode).toBe(204);
    expect(directories.ids.size).toBe(0);
  });

  it("fails a service removal whose process outlives the wait, so that the step is tried again", async () => {
    const { app, runtime } = setUp({ hasRuntime: true });
    runtime.stoppingProcesses.add(42 as never);
    const removed = await app.inject({
      method: "DELETE",
      url: "/internal/v1/sites/42/service",
      headers: authorization,
    });
    expect(removed.statusCode).toBe(503);
    expect(removed.json().error.code).toBe("SITE_PROCESS_STILL_RUNNING");
  });

  it.each(["abc", "0", "-1", "1.5", "99999999999999999"])("refuses the site id %s", async (id) => {
    const { app, directories } = setUp();
    const response = await app.inject({
      method: "PUT",
      url: `/internal/v1/sites/${id}/directories`,
      headers: authorization,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_FAILED");
    expect(directories.ids.size).toBe(0);
  });
});

describe("PUT/DELETE /internal/v1/sites/:id/balancer", () => {
  it("writes the site's server block, idempotently, and removes it", async () => {
    const { app, configFiles } = setUp();
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "PUT",
        url: "/internal/v1/sites/42/balancer",
        headers: authorization,
        payload: spec,
      });
      expect(response.statusCode).toBe(204);
    }
    expect([...configFiles.files.keys()]).toEqual(["site-42.conf"]);
    const text = configFiles.files.get("site-42.conf" as never) ?? "";
    expect(text).toContain("    server_name hello.sites.localhost;\n");
    expect(text).toContain("    client_max_body_size 1000;\n");
    expect(text).toContain("    root /srv/sites/42/public;\n");
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "DELETE",
        url: "/internal/v1/sites/42/balancer",
        headers: authorization,
      });
      expect(response.statusCode).toBe(204);
    }
    expect(configFiles.files.size).toBe(0);
  });

  it("uses the configured body limit when the spec has none", async () => {
    const { app, configFiles } = setUp();
    const { clientBodyLimitBytes: _omitted, ...withoutLimit } = spec;
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload: withoutLimit,
    });
    expect(response.statusCode).toBe(204);
    expect(configFiles.files.get("site-42.conf" as never)).toContain("    client_max_body_size 2097152;\n");
  });

  it.each([
    ["an id that differs from the path", { ...spec, id: 43 }, "VALIDATION_FAILED"],
    ["a name nginx would misread", { ...spec, name: "a;b" }, "SITE_NAME_INVALID"],
    ["a name with braces", { ...spec, name: "x}" }, "SITE_NAME_INVALID"],
    ["an unknown availability", { ...spec, availability: "sometimes" }, "VALIDATION_FAILED"],
    ["a negative body limit", { ...spec, clientBodyLimitBytes: -1 }, "VALIDATION_FAILED"],
    ["no body", undefined, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and writes nothing", async (_label, payload, code) => {
    const { app, configFiles } = setUp();
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(configFiles.files.size).toBe(0);
  });

  it("reports nginx refusing the config as 502 NGINX_CONFIG_REJECTED", async () => {
    const { app, configFiles } = setUp();
    configFiles.rejectNext("unknown directive");
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload: spec,
    });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe("NGINX_CONFIG_REJECTED");
    expect(configFiles.files.size).toBe(0);
  });
});
