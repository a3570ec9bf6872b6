import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { afterEach, describe, expect, it } from "vitest";
import { buildTestOrchestratorApp, callRoute, testImage } from "../testing/test-app.js";

const request = { isEnabled: true };
const dynamicSpec = { name: "hello", type: "dynamic", availability: "enabled" };
const site = { params: { id: 42 } };
let current: ReturnType<typeof buildTestOrchestratorApp>;

function setUp(options: { hasRuntime?: boolean; dynamicSitesRefusal?: DirectorError } = { hasRuntime: true }) {
  current = buildTestOrchestratorApp(options);
  return current;
}

afterEach(async () => {
  await current.app.close();
});

const siteConfig = () => current.configFiles.files.get("site-42.conf" as never) ?? "";
/** How the shared server block answers for site 42 when it has no block of its own. */
const indexAnswer = async () => (await current.siteIndex.read(42 as never))?.answer;

describe("a site's service", () => {
  it("refuses every dynamic-site request with the reason when the engine would run sites unsafely", async () => {
    const refusal = new DirectorError("DOCKER_UNSAFE", "The Docker daemon does not set no-new-privileges.");
    const { app, runtime } = setUp({ dynamicSitesRefusal: refusal });
    for (const [target, body] of [
      [api.upsertService, request],
      [api.restartService, undefined],
      [api.buildSiteImage, { parent: testImage }],
    ] as const) {
      const answer = await callRoute(app, target, { ...site, body });
      expect(answer.statusCode, target.path).toBe(503);
      expect(answer.json().error).toMatchObject({ code: "DOCKER_UNSAFE", message: refusal.message });
    }
    expect(runtime.services.size).toBe(0);
  });

  it("runs the site on the base image and network with limits merged over the defaults, idempotently", async () => {
    const { app, runtime, directories } = setUp();
    for (let round = 0; round < 2; round++) {
      const response = await callRoute(app, api.upsertService, {
        ...site,
        body: { ...request, limits: { cpus: 1.5 }, env: { DATABASE_URL: "postgres://x" } },
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
    const response = await callRoute(app, api.upsertService, { ...site, body: { ...request, image } });
    expect(response.statusCode).toBe(204);
    expect(runtime.services.get(42 as never)?.image).toBe(image);
  });

  it.each([
    ["a bad image reference", { ...request, image: "busybox;id" }, "IMAGE_REF_INVALID"],
    ["a memory limit under the floor", { ...request, limits: { memoryBytes: 1024 } }, "SITE_LIMITS_INVALID"],
    ["a reserved env name", { ...request, env: { PORT: "1" } }, "SITE_ENV_INVALID"],
    ["no isEnabled", {}, "VALIDATION_FAILED"],
  ])("refuses %s with 400 and touches nothing", async (_label, body, code) => {
    const { app, runtime, directories } = setUp();
    const response = await callRoute(app, api.upsertService, { ...site, body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(runtime.services.size).toBe(0);
    expect(directories.ids.size).toBe(0);
  });

  it("reports status, restarts, reads logs and removes the service", async () => {
    const { app, runtime } = setUp();
    const absent = await callRoute(app, api.serviceStatus, site);
    expect(absent.json()).toEqual({ state: "absent", message: "The site has no service." });
    const restartAbsent = await callRoute(app, api.restartService, site);
    expect(restartAbsent.statusCode).toBe(409);
    expect(restartAbsent.json().error.code).toBe("SITE_NOT_READY");

    await callRoute(app, api.upsertService, { ...site, body: request });
    const running = await callRoute(app, api.serviceStatus, site);
    expect(running.json()).toEqual({ state: "running", message: "The site is running." });
    runtime.addresses.set(42 as never, "10.0.0.9");
    const restart = await callRoute(app, api.restartService, site);
    // answered once the new task runs (the fake's restart makes a new task id)
    expect(restart.statusCode).toBe(200);
    expect(restart.json()).toEqual({ state: "running", message: "The site is running." });
    expect(runtime.restarts).toEqual([42]);

    runtime.logs.set(42 as never, ["one", "two", "three"]);
    const logs = await callRoute(app, api.siteLogs, { ...site, query: { tailLines: 2 } });
    expect(logs.json()).toEqual({ lines: ["two", "three"] });
    for (const tailLines of ["-1", "1001", "x"]) {
      for (const target of [api.siteLogs, api.followSiteLogs]) {
        const refused = await callRoute(app, target, { ...site, query: { tailLines } });
        expect(refused.statusCode, `${target.path} ${tailLines}`).toBe(400);
      }
    }

    for (let round = 0; round < 2; round++) {
      expect((await callRoute(app, api.removeService, site)).statusCode).toBe(204);
    }
    expect(runtime.services.size).toBe(0);
  });

  it("answers 503 DOCKER_UNAVAILABLE on every service route without a runtime", async () => {
    const { app } = setUp({ hasRuntime: false });
    for (const [target, body] of [
      [api.upsertService, request],
      [api.removeService, undefined],
      [api.restartService, undefined],
      [api.serviceStatus, undefined],
      [api.siteLogs, undefined],
      [api.followSiteLogs, undefined],
      [api.removeSiteImages, undefined],
    ] as const) {
      const response = await callRoute(app, target, { ...site, body });
      expect(response.statusCode, target.path).toBe(503);
      expect(response.json().error.code).toBe("DOCKER_UNAVAILABLE");
    }
  });

  it("refuses every service route without the token", async () => {
    const { app, runtime } = setUp();
    const response = await callRoute(app, api.upsertService, { ...site, body: request, headers: {} });
    expect(response.statusCode).toBe(401);
    expect(runtime.services.size).toBe(0);
  });
});

describe("the balancer upstream of a dynamic site", () => {
  it("is filled from the running task on PUT /balancer, and the manager's own upstream is ignored", async () => {
    const { app, containers, specs } = setUp();
    containers.addresses.set(42 as never, "10.0.9.7");
    const response = await callRoute(app, api.upsertBalancer, {
      ...site,
      body: { ...dynamicSpec, upstream: { address: "10.0.0.1", port: 1 } },
    });
    expect(response.statusCode).toBe(204);
    expect(siteConfig()).toContain("    server 10.0.9.7:8080;\n");
    expect(await specs.get(42 as never)).toEqual({ id: 42, ...dynamicSpec });
  });

  it("shows the not-running page when no task runs, and follows the task when it moves", async () => {
    const { app, containers, balancer } = setUp();
    await callRoute(app, api.upsertBalancer, { ...site, body: dynamicSpec });
    expect(siteConfig()).toBe("");
    expect(await indexAnswer()).toBe("not-running");

    // What the task address watcher calls.
    await balancer.refresh(42 as never, "10.0.9.8");
    expect(siteConfig()).toContain("    server 10.0.9.8:8080;\n");
    await balancer.refresh(42 as never, null);
    expect(siteConfig()).toBe("");
    expect(await indexAnswer()).toBe("not-running");

    containers.addresses.set(42 as never, "10.0.9.9");
    await callRoute(app, api.upsertService, { ...site, body: request });
    expect(siteConfig()).toContain("    server 10.0.9.9:8080;\n");
    await callRoute(app, api.removeService, site);
    expect(siteConfig()).toBe("");
  });

  it("is never looked up for a static site, and a site without a stored spec is left alone", async () => {
    const { app, containers, configFiles, specs, balancer } = setUp();
    containers.addresses.set(42 as never, "10.0.9.7");
    await balancer.refresh(42 as never, "10.0.9.7");
    expect(configFiles.files.size).toBe(0);
    await callRoute(app, api.upsertBalancer, { ...site, body: { ...dynamicSpec, type: "static" } });
    expect(configFiles.files.size).toBe(0);
    expect(await indexAnswer()).toBe("files");
    await callRoute(app, api.removeBalancer, site);
    expect(specs.specs.size).toBe(0);
    expect(configFiles.files.size).toBe(0);
  });

  it("without a runtime, renders the spec as given (as before dynamic sites were wired)", async () => {
    const { app } = setUp({ hasRuntime: false });
    await callRoute(app, api.upsertBalancer, {
      ...site,
      body: { ...dynamicSpec, upstream: { address: "10.0.0.1", port: 9000 } },
    });
    expect(siteConfig()).toContain("    server 10.0.0.1:9000;\n");
  });
});
