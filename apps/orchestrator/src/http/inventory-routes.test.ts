import { afterEach, describe, expect, it } from "vitest";
import { authorization, buildTestOrchestratorApp, testImage } from "../testing/test-app.js";

let current: ReturnType<typeof buildTestOrchestratorApp>;

afterEach(async () => {
  await current.app.close();
});

const staticSpec = { id: 5, name: "plain", type: "static", availability: "enabled" };
const dynamicSpec = { id: 6, name: "app", type: "dynamic", availability: "enabled" };

async function put(url: string, payload?: object) {
  const response = await current.app.inject({
    method: "PUT",
    url,
    headers: authorization,
    ...(payload ? { payload } : {}),
  });
  expect(response.statusCode, response.body).toBe(204);
}

async function inventory(query = "") {
  const response = await current.app.inject({
    method: "GET",
    url: `/internal/v1/inventory${query}`,
    headers: authorization,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe("GET /internal/v1/inventory", () => {
  it("lists every site something exists of, with its directory, balancer file and service", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    await put("/internal/v1/sites/5/directories");
    await put("/internal/v1/sites/5/balancer", staticSpec);
    current.containers.addresses.set(6 as never, "10.0.9.6");
    await put("/internal/v1/sites/6/service", { id: 6, name: "app", isEnabled: true });
    await put("/internal/v1/sites/6/balancer", dynamicSpec);
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
    await put("/internal/v1/sites/5/balancer", staticSpec);
    current.containers.addresses.set(6 as never, "10.0.9.6");
    await put("/internal/v1/sites/6/balancer", dynamicSpec);
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
    const recipe = { id: 9, parent: testImage, setupCommands: "", installCommandPrefix: "apk add", packages: ["jq"] };
    const built = await current.app.inject({
      method: "POST",
      url: "/internal/v1/sites/9/image",
      headers: authorization,
      payload: recipe,
    });
    expect(built.statusCode, built.body).toBe(200);
    const listed = await inventory();
    expect(listed.sites).toEqual([
      expect.objectContaining({ id: 9, hasDirectory: false, service: null, images: [built.json().image] }),
    ]);
    expect((await inventory("?siteId=9")).sites[0].images).toEqual([built.json().image]);
    const removed = await current.app.inject({
      method: "DELETE",
      url: "/internal/v1/sites/9/images",
      headers: authorization,
    });
    expect(removed.statusCode).toBe(204);
    expect((await inventory()).sites).toEqual([]);
    expect([...current.builder.images.keys()]).toEqual([testImage]);
  });

  it("reports one site, even when nothing of it exists", async () => {
    current = buildTestOrchestratorApp({ hasRuntime: true });
    await put("/internal/v1/sites/5/directories");
    expect(await inventory("?siteId=7")).toEqual({
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
    expect((await inventory("?siteId=5")).sites[0].hasDirectory).toBe(true);
  });

  it("says when there is no Docker engine, and refuses a bad site id or a missing token", async () => {
    current = buildTestOrchestratorApp();
    expect(await inventory()).toEqual({ installationId: "test", isDockerAvailable: false, sites: [] });
    const bad = await current.app.inject({
      method: "GET",
      url: "/internal/v1/inventory?siteId=x",
      headers: authorization,
    });
    expect(bad.statusCode).toBe(400);
    const anonymous = await current.app.inject({ method: "GET", url: "/internal/v1/inventory" });
    expect(anonymous.statusCode).toBe(401);
  });
});
