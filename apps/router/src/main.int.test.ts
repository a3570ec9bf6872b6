import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type RouterInventory, routerInventorySchema } from "@director/contracts/router-api";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { NginxServer } from "@director/host/nginx-server";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routerConfigSchema } from "./config.js";
import { createRouter, type RouterHandle } from "./main.js";

const log = pino({ level: "silent" });
const token = "router-test-token-0123456789-0123456789" as InternalToken;
const spec = { siteId: 42, hostnames: ["hello.sites.localhost"] };

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

/** GET /internal/v1/routes: the edge's route files as the router reads them back from disk. */
async function routeInventory(baseUrl: string): Promise<RouterInventory> {
  const response = await fetch(new URL("/internal/v1/routes", baseUrl), {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return routerInventorySchema.parse(await response.json());
}

function routeRequest(baseUrl: string, method: "PUT" | "DELETE", body?: unknown) {
  return fetch(new URL("/internal/v1/routes/hello", baseUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

describe("router, split topology: edge nginx → balancer nginx", () => {
  let root: string;
  let edge: NginxServer;
  let balancer: NginxServer;
  let router: RouterHandle;
  let baseUrl: string;
  let edgePort: number;

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
    const config = routerConfigSchema.parse({
      http: { port: 0 },
      token,
      edge: { listen: `127.0.0.1:${edgePort}` },
      topology: "split",
      balancers: [`127.0.0.1:${balancerPort}`],
    });
    router = createRouter(config, { routeFiles: new NginxConfigStore(routesDir, edge, log), log });
    baseUrl = await router.listen();
  });

  afterAll(async () => {
    await router?.close();
    await edge?.stop();
    await balancer?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("answers an unknown host with the 404 page", async () => {
    const response = await getWithHost(edgePort, "nobody.sites.localhost");
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.body.toString()).toContain("No site is served at this address");
  });

  it("forwards a routed site's requests to the balancer with Host and client address", async () => {
    const response = await routeRequest(baseUrl, "PUT", spec);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ written: true });
    expect(await readdir(path.join(root, "edge", "routes"))).toEqual(["00-default.conf", "route-hello.conf"]);

    const site = await getWithHost(edgePort, "hello.sites.localhost");
    expect(site.status).toBe(200);
    expect(site.body.toString()).toBe(
      "site hello via hello.sites.localhost, real ip 127.0.0.1, forwarded for 127.0.0.1\n",
    );
    expect(await routeInventory(baseUrl)).toEqual({
      topology: "split",
      needsRouteFiles: true,
      routes: [{ siteName: "hello", siteId: spec.siteId, hostnames: ["hello.sites.localhost"], isCurrent: true }],
    });
  });

  it("reads back a route file edited on disk as not current", async () => {
    const file = path.join(root, "edge", "routes", "route-hello.conf");
    const written = await readFile(file, "utf8");
    await writeFile(file, written.replace("proxy_http_version 1.1;", "proxy_http_version 1.0;"));
    expect((await routeInventory(baseUrl)).routes).toEqual([
      { siteName: "hello", siteId: spec.siteId, hostnames: ["hello.sites.localhost"], isCurrent: false },
    ]);
    // the route's own PUT puts it back, as a reconcile repair does
    expect((await routeRequest(baseUrl, "PUT", spec)).status).toBe(200);
    expect((await routeInventory(baseUrl)).routes[0]?.isCurrent).toBe(true);
  });

  it("stops forwarding once the route is removed", async () => {
    expect((await routeRequest(baseUrl, "DELETE")).status).toBe(204);
    expect((await routeRequest(baseUrl, "DELETE")).status).toBe(204);
    const response = await getWithHost(edgePort, "hello.sites.localhost");
    expect(response.status).toBe(404);
    expect(response.body.toString()).toContain("No site is served at this address");
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
    const config = routerConfigSchema.parse({ http: { port: 0 }, token, edge: { listen: `127.0.0.1:${edgePort}` } });
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
    const response = await routeRequest(baseUrl, "PUT", spec);
    expect(await response.json()).toEqual({ written: false });
    expect(await readdir(path.join(root, "nginx", "routes"))).toEqual(["00-default.conf"]);

    const site = await getWithHost(edgePort, "hello.sites.localhost");
    expect(site.status).toBe(200);
    // No proxy in between: the headers a proxy would add are absent.
    expect(site.body.toString()).toBe("site hello via hello.sites.localhost, real ip , forwarded for \n");
    expect((await getWithHost(edgePort, "nobody.sites.localhost")).status).toBe(404);
    expect(await routeInventory(baseUrl)).toEqual({ topology: "shared", needsRouteFiles: false, routes: [] });
  });
});
