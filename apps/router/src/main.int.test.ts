import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { routerApi as api } from "@director/contracts/router-api";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { NginxServer } from "@director/host/nginx-server";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { expectedRotationAnswers, internalCallStatus, tokenRotationAnswers } from "@director/testing/token-rotation";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RouterConfig, routerConfigSchema } from "./config.js";
import { renderRouteServerBlock } from "./core/render-edge-config.js";
import { createRouter, type RouterHandle } from "./main.js";

const log = pino({ level: "silent" });
const token = "router-test-token-0123456789-0123456789" as InternalToken;
const hello = { params: { siteId: 42 }, body: { hostnames: ["hello.sites.localhost"] } };

/** A stand-in for the orchestrator's site block: answers with what it received, so the test sees the hop. */
function echoSiteBlock(listen: string): string {
  return `server {
    listen ${listen};
    server_name hello.sites.localhost;
    default_type text/plain;
    return 200 "site hello via $host, real ip $http_x_real_ip, forwarded for $http_x_forwarded_for\\n";
}
`;
}

/** The router's API as the worker calls it. */
const clientOf = (baseUrl: string) => new InternalClient({ component: "router", baseUrl, token });

describe("router, split topology: edge nginx → balancer nginx", () => {
  let root: string;
  let edge: NginxServer;
  let balancer: NginxServer;
  let router: RouterHandle;
  let baseUrl: string;
  let edgePort: number;
  let config: RouterConfig;
  let routeFiles: NginxConfigStore;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "director-router-"));
    edgePort = await freePort();
    const balancerPort = await freePort();
    balancer = new NginxServer({
      prefixDir: path.join(root, "balancer"),
      includeDirs: [path.join(root, "balancer", "sites")],
      workerProcesses: 1,
      log,
    });
    await balancer.start();
    await new NginxConfigStore(path.join(root, "balancer", "sites"), balancer, log).put(
      parseNginxConfigFileName("site-42.conf"),
      echoSiteBlock(`127.0.0.1:${balancerPort}`),
    );
    const routesDir = path.join(root, "edge", "routes");
    edge = new NginxServer({ prefixDir: path.join(root, "edge"), includeDirs: [routesDir], workerProcesses: 1, log });
    await edge.start();
    config = routerConfigSchema.parse({
      http: { port: 0 },
      token,
      edge: { listen: `127.0.0.1:${edgePort}` },
      topology: "split",
      balancers: [`127.0.0.1:${balancerPort}`],
      dataDir: path.join(root, "router-data"),
    });
    routeFiles = new NginxConfigStore(routesDir, edge, log);
    router = createRouter(config, { routeFiles, log });
    baseUrl = await router.listen();
  });

  afterAll(async () => {
    await router?.close();
    await edge?.stop();
    await balancer?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("accepts its old token beside the new one during a rotation, and only the new one after", async () => {
    // Routers of the same configuration but their tokens, on the same edge, called on the read-only inventory.
    const answers = await tokenRotationAnswers(async (tokens) => {
      const rotated = createRouter(
        { ...config, ...(tokens as Pick<RouterConfig, "token" | "previousToken">) },
        {
          routeFiles,
          log,
        },
      );
      const rotatedUrl = await rotated.listen();
      return {
        statusWith: (given) => internalCallStatus(`${rotatedUrl}${api.routeInventory.path}`, given),
        close: () => rotated.close(),
      };
    });
    expect(answers).toEqual(expectedRotationAnswers);
  });

  it("answers an unknown host with the 404 page", async () => {
    const response = await getWithHost(edgePort, "nobody.sites.localhost");
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.body.toString()).toContain("No site is served at this address");
  });

  it("forwards a routed site's requests to the balancer with Host and client address", async () => {
    expect(await clientOf(baseUrl).request(api.upsertRoute, hello)).toEqual({ written: true });
    expect(await readdir(path.join(root, "edge", "routes"))).toEqual(["00-default.conf", "site-42.conf"]);

    const site = await getWithHost(edgePort, "hello.sites.localhost");
    expect(site.status).toBe(200);
    expect(site.body.toString()).toBe(
      "site hello via hello.sites.localhost, real ip 127.0.0.1, forwarded for 127.0.0.1\n",
    );
    expect(await clientOf(baseUrl).request(api.routeInventory, {})).toEqual({
      topology: "split",
      needsRouteFiles: true,
      routes: [{ siteId: 42, hostnames: ["hello.sites.localhost"], isCurrent: true }],
      legacyRoutes: [],
    });
  });

  it("reads back a route file edited on disk as not current", async () => {
    const file = path.join(root, "edge", "routes", "site-42.conf");
    const written = await readFile(file, "utf8");
    await writeFile(file, written.replace("proxy_http_version 1.1;", "proxy_http_version 1.0;"));
    const client = clientOf(baseUrl);
    expect((await client.request(api.routeInventory, {})).routes).toEqual([
      { siteId: 42, hostnames: ["hello.sites.localhost"], isCurrent: false },
    ]);
    // the route's own PUT puts it back, as a reconcile repair does
    await client.request(api.upsertRoute, hello);
    expect((await client.request(api.routeInventory, {})).routes[0]?.isCurrent).toBe(true);
  });

  it("refuses a certificate for a site's own domain with DOMAINS_UNSUPPORTED and why: its edge does not route them", async () => {
    await expect(
      clientOf(baseUrl).request(api.issueCertificate, {
        params: { domain: "www.chess-club.example" },
        body: { renewWithinDays: 30 },
      }),
    ).rejects.toMatchObject({ code: "DOMAINS_UNSUPPORTED", message: expect.stringContaining("split topology") });
    expect(await clientOf(baseUrl).request(api.certificateInventory, {})).toEqual({ certificates: [] });
  });

  it("stops forwarding once the route is removed", async () => {
    await clientOf(baseUrl).request(api.removeRoute, { params: hello.params });
    await clientOf(baseUrl).request(api.removeRoute, { params: hello.params });
    const response = await getWithHost(edgePort, "hello.sites.localhost");
    expect(response.status).toBe(404);
    expect(response.body.toString()).toContain("No site is served at this address");
  });

  it("replaces a route file an older router named by site name, and the site is served before and after", async () => {
    const routesDir = path.join(root, "edge", "routes");
    const client = clientOf(baseUrl);
    // What a router before site-id keys wrote for the site.
    const old = renderRouteServerBlock(42, ["hello.sites.localhost"], { edgeListen: `127.0.0.1:${edgePort}` }).replace(
      "# Route of site 42,",
      "# Route of site 42 (hello),",
    );
    await new NginxConfigStore(routesDir, edge, log).put(parseNginxConfigFileName("route-hello.conf"), old);
    expect((await getWithHost(edgePort, "hello.sites.localhost")).status).toBe(200);
    expect(await client.request(api.routeInventory, {})).toMatchObject({
      routes: [],
      legacyRoutes: [{ siteName: "hello" }],
    });

    expect(await client.request(api.upsertRoute, hello)).toEqual({ written: true });
    expect(await readdir(routesDir)).toEqual(["00-default.conf", "site-42.conf"]);
    expect((await getWithHost(edgePort, "hello.sites.localhost")).status).toBe(200);
    expect((await client.request(api.routeInventory, {})).legacyRoutes).toEqual([]);
    await client.request(api.removeRoute, { params: hello.params });
  });
});

describe("router, shared topology: one nginx, one hop", () => {
  let root: string;
  let nginx: NginxServer;
  let router: RouterHandle;
  let baseUrl: string;
  let edgePort: number;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "director-router-shared-"));
    edgePort = await freePort();
    const routesDir = path.join(root, "nginx", "routes");
    const sitesDir = path.join(root, "nginx", "sites");
    nginx = new NginxServer({
      prefixDir: path.join(root, "nginx"),
      includeDirs: [routesDir, sitesDir],
      workerProcesses: 1,
      log,
    });
    await nginx.start();
    const config = routerConfigSchema.parse({
      http: { port: 0 },
      token,
      edge: { listen: `127.0.0.1:${edgePort}` },
      dataDir: path.join(root, "router-data"),
    });
    router = createRouter(config, { routeFiles: new NginxConfigStore(routesDir, nginx, log), log });
    baseUrl = await router.listen();
    // What the orchestrator writes for the site: a block on the edge address itself.
    await new NginxConfigStore(sitesDir, nginx, log).put(
      parseNginxConfigFileName("site-42.conf"),
      echoSiteBlock(`127.0.0.1:${edgePort}`),
    );
  });

  afterAll(async () => {
    await router?.close();
    await nginx?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("writes no route file; the site's own block answers on the edge, and unknown hosts get the 404 page", async () => {
    expect(await clientOf(baseUrl).request(api.upsertRoute, hello)).toEqual({ written: false });
    expect(await readdir(path.join(root, "nginx", "routes"))).toEqual(["00-default.conf"]);

    const site = await getWithHost(edgePort, "hello.sites.localhost");
    expect(site.status).toBe(200);
    // No proxy in between: the headers a proxy would add are absent.
    expect(site.body.toString()).toBe("site hello via hello.sites.localhost, real ip , forwarded for \n");
    expect((await getWithHost(edgePort, "nobody.sites.localhost")).status).toBe(404);
    expect(await clientOf(baseUrl).request(api.routeInventory, {})).toEqual({
      topology: "shared",
      needsRouteFiles: false,
      routes: [],
      legacyRoutes: [],
    });
  });
});
