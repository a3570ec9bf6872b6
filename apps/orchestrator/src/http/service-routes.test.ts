import { DirectorError } from "@director/domain/errors";
import { afterEach, describe, expect, it } from "vitest";
import { authorization, buildTestOrchestratorApp, testImage } from "../testing/test-app.js";

const request = { id: 42, name: "hello", isEnabled: true };
const dynamicSpec = { id: 42, name: "hello", type: "dynamic", availability: "enabled" };
let current: ReturnType<typeof buildTestOrchestratorApp>;

function setUp(options: { hasRuntime?: boolean; dynamicSitesRefusal?: DirectorError } = { hasRuntime: true }) {
  current = buildTestOrchestratorApp(options);
  return current;
}

afterEach(async () => {
  await current.app.close();
});

const siteConfig = () => current.configFiles.files.get("site-42.conf" as never) ?? "";

describe("/internal/v1/sites/:id/service", () => {
  it("refuses every dynamic-site request with the reason when the engine would run sites unsafely", async () => {
    const refusal = new DirectorError("DOCKER_UNSAFE", "The Docker daemon does not set no-new-privileges.");
    const { app, runtime } = setUp({ dynamicSitesRefusal: refusal });
    const requests = [
      { method: "PUT" as const, url: "/internal/v1/sites/42/service", payload: request },
      { method: "POST" as const, url: "/internal/v1/sites/42/service/restart" },
      { method: "POST" as const, url: "/internal/v1/sites/42/image", payload: { id: 42, parent: testImage } },
    ];
    for (const sent of requests) {
      const answer = await app.inject({ ...sent, headers: authorization });
      expect(answer.statusCode, sent.url).toBe(503);
      expect(answer.json().error).toMatchObject({ code: "DOCKER_UNSAFE", message: refusal.message });
    }
    expect(runtime.services.size).toBe(0);
  });

  it("runs the site on the base image and network with limits merged over the defaults, idempotently", async () => {
    const { app, runtime, directories } = setUp();
    for (let round = 0; round < 2; round++) {
      const response = await app.inject({
        method: "PUT",
        url: "/internal/v1/sites/42/service",
        headers: authorization,
        payload: { ...request, limits: { cpus: 1.5 }, env: { DATABASE_URL: "postgres://x" } },
      });
      expect(response.statusCode).toBe(204);
    }
    expect(runtime.services.get(42 as never)).toEqual({
      siteId: 42,
      siteDirectory: "/srv/sites/42",
      user: { uid: 2_000_000_042, gid: 2_000_000_042 },
      image: testImage,
      isEnabled: true,
      limits: { cpus: 1.5, memoryBytes: 100 * 1024 * 1024, pidsLimit: 256 },
      env: { DATABASE_URL: "postgres://x" },
      networkName: "director-sites",
    });
    expect([...directories.ids]).toEqual([42]);
  });

  it("runs the site's own image when the request names one", async () => {
    const { app, runtime } = setUp();
    const image = "director/site-42:0123456789abcdef";
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/service",
      headers: authorization,
      payload: { ...request, image },
    });
    expect(response.statusCode).toBe(204);
    expect(runtime.services.get(42 as never)?.image).toBe(image);
  });

  it.each([
    ["a bad image reference", { ...request, image: "busybox;id" }, "IMAGE_REF_INVALID"],
    ["an id that differs from the path", { ...request, id: 43 }, "VALIDATION_FAILED"],
    ["a bad name", { ...request, name: "a;b" }, "SITE_NAME_INVALID"],
    ["a memory limit under the floor", { ...request, limits: { memoryBytes: 1024 } }, "SITE_LIMITS_INVALID"],
    ["a reserved env name", { ...request, env: { PORT: "1" } }, "SITE_ENV_INVALID"],
    ["no isEnabled", { id: 42, name: "hello" }, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and touches nothing", async (_label, payload, code) => {
    const { app, runtime, directories } = setUp();
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/service",
      headers: authorization,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(runtime.services.size).toBe(0);
    expect(directories.ids.size).toBe(0);
  });

  it("reports status, restarts, reads logs and removes the service", async () => {
    const { app, runtime } = setUp();
    const absent = await app.inject({ method: "GET", url: "/internal/v1/sites/42/service", headers: authorization });
    expect(absent.json()).toEqual({ state: "absent", message: "The site has no service." });
    const restartAbsent = await app.inject({
      method: "POST",
      url: "/internal/v1/sites/42/service/restart",
      headers: authorization,
    });
    expect(restartAbsent.statusCode).toBe(409);
    expect(restartAbsent.json().error.code).toBe("SITE_NOT_READY");

    await app.inject({ method: "PUT", url: "/internal/v1/sites/42/service", headers: authorization, payload: request });
    const running = await app.inject({ method: "GET", url: "/internal/v1/sites/42/service", headers: authorization });
    expect(running.json()).toEqual({ state: "running", message: "The site is running." });
    runtime.addresses.set(42 as never, "10.0.0.9");
    const restart = await app.inject({
      method: "POST",
      url: "/internal/v1/sites/42/service/restart",
      headers: authorization,
    });
    // answered once the new task runs (the fake's restart makes a new task id)
    expect(restart.statusCode).toBe(200);
    expect(restart.json()).toEqual({ state: "running", message: "The site is running." });
    expect(runtime.restarts).toEqual([42]);

    runtime.logs.set(42 as never, ["one", "two", "three"]);
    const logs = await app.inject({
      method: "GET",
      url: "/internal/v1/sites/42/logs?tailLines=2",
      headers: authorization,
    });
    expect(logs.json()).toEqual({ lines: ["two", "three"] });
    for (const tailLines of ["-1", "1001", "x"]) {
      const refused = await app.inject({
        method: "GET",
        url: `/internal/v1/sites/42/logs?tailLines=${tailLines}`,
        headers: authorization,
      });
      expect(refused.statusCode).toBe(400);
    }

    for (let round = 0; round < 2; round++) {
      const removed = await app.inject({
        method: "DELETE",
        url: "/internal/v1/sites/42/service",
        headers: authorization,
      });
      expect(removed.statusCode).toBe(204);
    }
    expect(runtime.services.size).toBe(0);
  });

  it("answers 503 DOCKER_UNAVAILABLE on every service route without a runtime", async () => {
    const { app } = setUp({ hasRuntime: false });
    for (const inject of [
      { method: "PUT" as const, url: "/internal/v1/sites/42/service", payload: request },
      { method: "DELETE" as const, url: "/internal/v1/sites/42/service" },
      { method: "POST" as const, url: "/internal/v1/sites/42/service/restart" },
      { method: "GET" as const, url: "/internal/v1/sites/42/service" },
      { method: "GET" as const, url: "/internal/v1/sites/42/logs" },
    ]) {
      const response = await app.inject({ ...inject, headers: authorization });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe("DOCKER_UNAVAILABLE");
    }
  });

  it("refuses every service route without the token", async () => {
    const { app, runtime } = setUp();
    const response = await app.inject({ method: "PUT", url: "/internal/v1/sites/42/service", payload: request });
    expect(response.statusCode).toBe(401);
    expect(runtime.services.size).toBe(0);
  });
});

describe("the balancer upstream of a dynamic site", () => {
  it("is filled from the running task on PUT /balancer, and the manager's own upstream is ignored", async () => {
    const { app, containers, specs } = setUp();
    containers.addresses.set(42 as never, "10.0.9.7");
    const response = await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload: { ...dynamicSpec, upstream: { address: "10.0.0.1", port: 1 } },
    });
    expect(response.statusCode).toBe(204);
    expect(siteConfig()).toContain("    server 10.0.9.7:8080;\n");
    expect(await specs.get(42 as never)).toEqual(dynamicSpec);
  });

  it("shows the not-running page when no task runs, and follows the task when it moves", async () => {
    const { app, containers, balancer } = setUp();
    await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload: dynamicSpec,
    });
    expect(siteConfig()).toContain("is not running");
    expect(siteConfig()).not.toContain("upstream");

    // What the task address watcher calls.
    await balancer.refresh(42 as never, "10.0.9.8");
    expect(siteConfig()).toContain("    server 10.0.9.8:8080;\n");
    await balancer.refresh(42 as never, null);
    expect(siteConfig()).toContain("is not running");

    containers.addresses.set(42 as never, "10.0.9.9");
    await app.inject({ method: "PUT", url: "/internal/v1/sites/42/service", headers: authorization, payload: request });
    expect(siteConfig()).toContain("    server 10.0.9.9:8080;\n");
    await app.inject({ method: "DELETE", url: "/internal/v1/sites/42/service", headers: authorization });
    expect(siteConfig()).toContain("is not running");
  });

  it("is never looked up for a static site, and a site without a stored spec is left alone", async () => {
    const { app, containers, configFiles, specs, balancer } = setUp();
    containers.addresses.set(42 as never, "10.0.9.7");
    await balancer.refresh(42 as never, "10.0.9.7");
    expect(configFiles.files.size).toBe(0);
    await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload: { ...dynamicSpec, type: "static" },
    });
    expect(siteConfig()).not.toContain("upstream");
    expect(siteConfig()).toContain("root /srv/sites/42/public;");
    await app.inject({ method: "DELETE", url: "/internal/v1/sites/42/balancer", headers: authorization });
    expect(specs.specs.size).toBe(0);
    expect(configFiles.files.size).toBe(0);
  });

  it("without a runtime, renders the spec as given (as before dynamic sites were wired)", async () => {
    const { app } = setUp({ hasRuntime: false });
    await app.inject({
      method: "PUT",
      url: "/internal/v1/sites/42/balancer",
      headers: authorization,
      payload: { ...dynamicSpec, upstream: { address: "10.0.0.1", port: 9000 } },
    });
    expect(siteConfig()).toContain("    server 10.0.0.1:9000;\n");
  });
});
