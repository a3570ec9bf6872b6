import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import type { Route } from "@director/contracts/route";
import { afterEach, describe, expect, it } from "vitest";
import { buildTestOrchestratorApp, callRoute, testImage } from "../testing/test-app.js";

let current: ReturnType<typeof buildTestOrchestratorApp>;

afterEach(async () => {
  await current.app.close();
});

const staticSpec = { id: 5, name: "plain", type: "static", availability: "enabled" };
const dynamicSpec = { id: 6, name: "app", type: "dynamic", availability: "enabled" };

async function put(target: Route, id: number, body?: object) {
  const response = await callRoute(current.app, target, { params: { id }, body });
  expect(response.statusCode, response.body).toBe(204);
}

async function inventory(query: { siteId?: unknown } = {}) {
  const response = await callRoute(current.app, api.inventory, { query });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe("the orchestrator's inventory", () => {
  it("lists every site something exists of, with its directory, balancer file and service", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    await put(api.ensureSiteDirectories, 5);
    await put(api.upsertBalancer, 5, staticSpec);
    current.containers.addresses.set(6 as never, "10.0.9.6");
    await put(api.upsertService, 6, { isEnabled: true });
    await put(api.upsertBalancer, 6, dynamicSpec);
    // a file no spec was stored for (left by hand, or by a lost state directory)
    await current.configFiles.put("site-9.conf" as never, "server {}\n");

    expect(await inventory()).toEqual({
      installationId: "test",
      isDockerAvailable: true,
      sites: [
        {
          id: 5,
          hasDirectory: true,
          balancer: { hasConfig: true, spec: staticSpec, isConfigCurrent: true },
          service: null,
          images: [],
        },
        {
          id: 6,
          hasDirectory: true,
          balancer: { hasConfig: true, spec: dynamicSpec, isConfigCurrent: true },
          service: {
            name: "director-test-site-6",
            replicas: 1,
            image: testImage,
            labels: { "org.director.site-id": "6" },
          },
          images: [],
        },
        {
          id: 9,
          hasDirectory: false,
          balancer: { hasConfig: true, spec: null, isConfigCurrent: false },
          service: null,
          images: [],
        },
      ],
    });
  });

  it("tells a file that no longer matches its spec: edited by hand, or a task that moved unnoticed", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    await put(api.upsertBalancer, 5, staticSpec);
    current.containers.addresses.set(6 as never, "10.0.9.6");
    await put(api.upsertBalancer, 6, dynamicSpec);
    const file = current.configFiles.files.get("site-5.conf" as never) ?? "";
    current.configFiles.files.set("site-5.conf" as never, `${file}# edited\n`);
    current.containers.addresses.set(6 as never, "10.0.9.7");
    const sites = (await inventory()).sites;
    expect(sites.map((site: { balancer: { isConfigCurrent: boolean } }) => site.balancer.isConfigCurrent)).toEqual([
      false,
      false,
    ]);
  });

  it("lists a site's own images, also of a site nothing else is left of, and DELETE …/images removes them", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    const recipe = { parent: testImage, setupCommands: "", installCommandPrefix: "apk add", packages: ["jq"] };
    const built = await callRoute(current.app, api.buildSiteImage, { params: { id: 9 }, body: recipe });
    expect(built.statusCode, built.body).toBe(200);
    const listed = await inventory();
    expect(listed.sites).toEqual([
      expect.objectContaining({ id: 9, hasDirectory: false, service: null, images: [built.json().image] }),
    ]);
    expect((await inventory({ siteId: 9 })).sites[0].images).toEqual([built.json().image]);
    const removed = await callRoute(current.app, api.removeSiteImages, { params: { id: 9 } });
    expect(removed.statusCode).toBe(204);
    expect((await inventory()).sites).toEqual([]);
    expect([...current.builder.images.keys()]).toEqual([testImage]);
  });

  it("reports one site, even when nothing of it exists", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    await put(api.ensureSiteDirectories, 5);
    expect(await inventory({ siteId: 7 })).toEqual({
      installationId: "test",
      isDockerAvailable: true,
      sites: [
        {
          id: 7,
          hasDirectory: false,
          balancer: { hasConfig: false, spec: null, isConfigCurrent: false },
          service: null,
          images: [],
        },
      ],
    });
    expect((await inventory({ siteId: 5 })).sites[0].hasDirectory).toBe(true);
  });

  it("says when there is no Docker engine, and refuses a bad site id or a missing token", async () => {
    current = buildTestOrchestratorApp();
    expect(await inventory()).toEqual({ installationId: "test", isDockerAvailable: false, sites: [] });
    const bad = await callRoute(current.app, api.inventory, { query: { siteId: "x" } });
    expect(bad.statusCode).toBe(400);
    const anonymous = await callRoute(current.app, api.inventory, { headers: {} });
    expect(anonymous.statusCode).toBe(401);
  });
});
