import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { NginxServer } from "@director/host/nginx-server";
import { getWithHost } from "@director/testing/http-get";
import { startTestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orchestratorConfigSchema } from "./config.js";
import { createOrchestrator, type OrchestratorHandle } from "./main.js";
import { testToken } from "./testing/test-app.js";

const log = pino({ level: "silent" });
let root: string;
let server: NginxServer;
let orchestrator: OrchestratorHandle;
let baseUrl: string;
let edgePort: number;

beforeAll(async () => {
  const nginx = await startTestNginx({ prefix: "director-orchestrator-", includeDirNames: ["default", "sites"], log });
  ({ root, server, port: edgePort } = nginx);
  const defaultDir = nginx.confDirs.default ?? "";
  const sitesConfDir = nginx.confDirs.sites ?? "";
  // Stands in for the router's default server, so that "no site" is a 404 rather than another site.
  await new NginxConfigStore(defaultDir, server, log).put(
    parseNginxConfigFileName("00-default.conf"),
    `server {\n    listen 127.0.0.1:${edgePort} default_server;\n    return 404;\n}\n`,
  );
  const config = orchestratorConfigSchema.parse({
    http: { port: 0 },
    token: testToken,
    installationId: "test",
    sites: { dir: path.join(root, "sites") },
    balancer: { listen: `127.0.0.1:${edgePort}`, nginxDir: path.join(root, "nginx") },
    files: {},
  });
  orchestrator = createOrchestrator(config, { balancerFiles: new NginxConfigStore(sitesConfDir, server, log), log });
  baseUrl = await orchestrator.listen();
});

afterAll(async () => {
  await orchestrator?.close();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

function api(method: string, apiPath: string, body?: { json?: unknown; bytes?: Buffer }, token: string = testToken) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: string | Uint8Array | undefined;
  if (body?.json !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body.json);
  } else if (body?.bytes !== undefined) {
    headers["content-type"] = "application/octet-stream";
    payload = new Uint8Array(body.bytes);
  }
  return fetch(new URL(`/internal/v1${apiPath}`, baseUrl), { method, headers, body: payload });
}

const spec = { id: 5, name: "hello", type: "static", availability: "enabled" };
const page = Buffer.from("<!doctype html><h1>Hello from a Director site</h1>\n");

describe("orchestrator with a real nginx", () => {
  it("refuses requests without the token and changes nothing", async () => {
    for (const response of [
      await api("PUT", "/sites/5/directories", undefined, "x".repeat(40)),
      await api("PUT", "/sites/5/balancer", { json: spec }, "x".repeat(40)),
      await fetch(new URL("/internal/v1/sites/5/directories", baseUrl), { method: "PUT" }),
    ]) {
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INTERNAL_AUTH_INVALID");
    }
    expect(await readdir(path.join(root, "sites"))).toEqual([]);
    expect(await readdir(path.join(root, "nginx", "sites"))).toEqual([]);
  });

  it("serves an uploaded file at <name>.<sitesDomain> once the balancer config is in place", async () => {
    expect((await api("PUT", "/sites/5/directories")).status).toBe(204);
    const written = await api("PUT", "/sites/5/files?path=public/index.html", { bytes: page });
    expect(written.status).toBe(200);
    expect(await written.json()).toEqual({ path: "public/index.html", sizeBytes: page.length });
    expect((await api("PUT", "/sites/5/balancer", { json: spec })).status).toBe(204);

    const response = await getWithHost(edgePort, "hello.sites.localhost");
    expect(response.status).toBe(200);
    expect(response.body).toEqual(page);
    expect(response.headers["content-type"]).toContain("text/html");

    const readBack = await api("GET", "/sites/5/files?path=public/index.html");
    expect(Buffer.from(await readBack.arrayBuffer())).toEqual(page);
  });

  it("answers the notice page with 503 and none of the files when the site is not served", async () => {
    expect((await api("PUT", "/sites/5/balancer", { json: { ...spec, availability: "not-served" } })).status).toBe(204);
    for (const pathname of ["/", "/index.html", "/logo.png"]) {
      const response = await getWithHost(edgePort, "hello.sites.localhost", pathname);
      expect(response.status).toBe(503);
      expect(response.headers["content-type"]).toContain("text/html");
      expect(response.body.toString()).toContain("exists but is not being served");
      expect(response.body.toString()).not.toContain("Hello from a Director site");
    }
  });

  it("stops matching the site's hostname once its balancer config is removed", async () => {
    expect((await api("PUT", "/sites/5/balancer", { json: spec })).status).toBe(204);
    expect((await getWithHost(edgePort, "hello.sites.localhost")).status).toBe(200);
    expect((await api("DELETE", "/sites/5/balancer")).status).toBe(204);
    expect((await api("DELETE", "/sites/5/balancer")).status).toBe(204);
    const response = await getWithHost(edgePort, "hello.sites.localhost");
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain("Hello from a Director site");
  });

  it("does not serve a symlink planted in public/", async () => {
    const { symlink } = await import("node:fs/promises");
    expect((await api("PUT", "/sites/5/balancer", { json: spec })).status).toBe(204);
    await symlink("/etc/passwd", path.join(root, "sites", "5", "public", "passwd.txt"));
    const response = await getWithHost(edgePort, "hello.sites.localhost", "/passwd.txt");
    // disable_symlinks makes the link look absent to try_files: 404, never the link's target.
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain("root:");
  });

  it("removes the site's directory idempotently", async () => {
    expect((await api("DELETE", "/sites/5/directories")).status).toBe(204);
    expect((await api("DELETE", "/sites/5/directories")).status).toBe(204);
    expect(await readdir(path.join(root, "sites"))).toEqual([]);
  });
});
