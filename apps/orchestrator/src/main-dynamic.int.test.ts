/**
 * A dynamic site through the orchestrator's HTTP API, as the manager will drive it: a real Swarm service, a real
 * nginx balancer, and the orchestrator's own task address watcher filling the upstream.
 */
import { randomBytes, randomInt } from "node:crypto";
import { lstat, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { OrchestratorInventory } from "@director/contracts/orchestrator-api";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { NginxServer } from "@director/host/nginx-server";
import { getWithHost } from "@director/testing/http-get";
import { startTestNginx } from "@director/testing/test-nginx";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerSiteContainers } from "./adapters/docker-site-containers.js";
import { DockerSwarmRuntime } from "./adapters/docker-swarm-runtime.js";
import { removeDockerTestObjects, testSiteUidBase, testSiteUser, waitFor } from "./adapters/docker-test-objects.js";
import { ensureBusyboxBaseImage } from "./adapters/local-base-images.js";
import { ensureSiteNetwork } from "./adapters/swarm-network.js";
import { serviceNameOf } from "./adapters/swarm-service-spec.js";
import { orchestratorConfigSchema } from "./config.js";
import { createOrchestrator, type OrchestratorHandle } from "./main.js";
import { testToken } from "./testing/test-app.js";

const log = pino({ level: "silent" });
const docker = new Docker();
const runId = randomBytes(4).toString("hex");
const networkName = `director-test-${runId}`;
const imageName = `director-test/base-busybox-${runId}`;
const siteId = randomInt(900_000_000, 999_999_999);
const installationId = `t${runId}` as InstallationId;
const siteName = `d${siteId}`;
let image: Promise<ImageRef> | undefined;
let root: string;
let server: NginxServer | undefined;
let orchestrator: OrchestratorHandle | undefined;
let baseUrl: string;
let edgePort: number;

beforeAll(async () => {
  const nginx = await startTestNginx({ prefix: "director-orchestrator-dynamic-", includeDirNames: ["sites"], log });
  ({ root, server, port: edgePort } = nginx);
  const sitesConfDir = nginx.confDirs.sites ?? "";
  await ensureSiteNetwork(docker, networkName);
  const config = orchestratorConfigSchema.parse({
    http: { port: 0 },
    token: testToken,
    installationId,
    sites: { dir: path.join(root, "sites"), uidBase: testSiteUidBase },
    balancer: { listen: `127.0.0.1:${edgePort}`, nginxDir: path.join(root, "nginx") },
    files: {},
    docker: { siteNetwork: networkName },
  });
  orchestrator = createOrchestrator(config, {
    balancerFiles: new NginxConfigStore(sitesConfDir, server, log),
    log,
    runtime: new DockerSwarmRuntime(docker, { installationId }),
    baseImage: () => {
      image ??= ensureBusyboxBaseImage(docker, { imageName });
      return image;
    },
    siteContainers: new DockerSiteContainers(docker, networkName, installationId),
  });
  baseUrl = await orchestrator.listen();
});

afterAll(async () => {
  try {
    await orchestrator?.close();
    const imageRef = await image?.catch(() => undefined);
    await removeDockerTestObjects(docker, {
      serviceNames: [serviceNameOf(installationId, siteId as never)],
      networkName,
      imageRefs: imageRef === undefined ? [] : [imageRef],
    });
  } finally {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  }
});

function api(method: string, apiPath: string, body?: { json?: unknown; bytes?: string }) {
  const headers: Record<string, string> = { authorization: `Bearer ${testToken}` };
  let payload: string | undefined;
  if (body?.json !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body.json);
  } else if (body?.bytes !== undefined) {
    headers["content-type"] = "application/octet-stream";
    payload = body.bytes;
  }
  return fetch(new URL(`/internal/v1${apiPath}`, baseUrl), { method, headers, body: payload });
}

const get = () =>
  getWithHost(edgePort, `${siteName}.sites.localhost`, "/").then((response) => ({
    status: response.status,
    body: response.body.toString(),
  }));

const siteConfig = () => readFile(path.join(root, "nginx", "sites", `site-${siteId}.conf`), "utf8");
const upstreamLine = (text: string) => /server [0-9.]+:8080;/.exec(text)?.[0] ?? null;

describe("a dynamic site through the orchestrator's API", () => {
  it("runs run.sh, is proxied once its task runs, follows a restart and says when it is removed", async () => {
    const page = "hello from run.sh\n";
    expect((await api("PUT", `/sites/${siteId}/directories`)).status).toBe(204);
    const runSh = '#!/bin/sh\necho "listening on $PORT"\nexec httpd -f -p "$PORT" -h /site/public\n';
    expect((await api("PUT", `/sites/${siteId}/files?path=run.sh&mode=755`, { bytes: runSh })).status).toBe(200);
    expect((await api("PUT", `/sites/${siteId}/files?path=public/index.html`, { bytes: page })).status).toBe(200);

    const service = { id: siteId, name: siteName, isEnabled: true, limits: { memoryBytes: 64 * 1024 * 1024 } };
    expect((await api("PUT", `/sites/${siteId}/service`, { json: service })).status).toBe(204);
    const siteDir = path.join(root, "sites", String(siteId));
    // The site's own account owns its tree (and the site directory lets only nginx's group pass through).
    const { uid, gid } = testSiteUser(siteId as never);
    expect(await lstat(siteDir)).toMatchObject({ uid });
    expect((await lstat(siteDir)).mode & 0o777).toBe(0o710);
    for (const dir of [path.join(siteDir, "public"), path.join(siteDir, "private"), path.join(siteDir, ".home")]) {
      expect(await lstat(dir)).toMatchObject({ uid, gid });
    }
    expect(await lstat(path.join(siteDir, "run.sh"))).toMatchObject({ uid, gid });
    expect((await stat(path.join(siteDir, "run.sh"))).mode & 0o777).toBe(0o755);

    const balancerSpec = { id: siteId, name: siteName, type: "dynamic", availability: "enabled" };
    expect((await api("PUT", `/sites/${siteId}/balancer`, { json: balancerSpec })).status).toBe(204);
    // The watcher fills the upstream once the task runs; httpd may need a moment more to listen.
    expect(await waitFor(get, (response) => response.status === 200, 20_000)).toEqual({ status: 200, body: page });
    const status = await api("GET", `/sites/${siteId}/service`);
    expect(await status.json()).toMatchObject({ state: "running" });
    const logs = await waitFor(
      async () => (await (await api("GET", `/sites/${siteId}/logs?tailLines=10`)).json()) as { lines: string[] },
      (value) => value.lines.includes("listening on 8080"),
      10_000,
    );
    expect(logs.lines).toContain("listening on 8080");

    // The inventory the reconciler reads: the real service (this installation's only), file and directory.
    const inventory = async (query = "") =>
      (await (await api("GET", `/inventory${query}`)).json()) as OrchestratorInventory;
    const mine = await inventory(`?siteId=${siteId}`);
    expect(mine).toMatchObject({ installationId, isDockerAvailable: true });
    expect(mine.sites).toEqual([
      {
        id: siteId,
        hasDirectory: true,
        balancer: { hasConfig: true, spec: balancerSpec, isConfigCurrent: true },
        service: {
          name: `director-${installationId}-site-${siteId}`,
          replicas: 1,
          image: expect.stringContaining("director-test/base-busybox"),
          labels: {
            "org.director.site-id": String(siteId),
            "org.director.installation": installationId,
            "org.director.managed": "true",
          },
        },
        images: [], // it runs the base image: no image of its own
      },
    ]);
    const all = await inventory();
    expect(all.sites.map((site) => site.id)).toEqual([siteId]);
    await writeFile(path.join(root, "nginx", "sites", `site-${siteId}.conf`), `${await siteConfig()}# edited\n`);
    expect((await inventory(`?siteId=${siteId}`)).sites[0]?.balancer.isConfigCurrent).toBe(false);
    expect((await api("PUT", `/sites/${siteId}/balancer`, { json: balancerSpec })).status).toBe(204);
    expect((await inventory(`?siteId=${siteId}`)).sites[0]?.balancer.isConfigCurrent).toBe(true);

    const before = upstreamLine(await siteConfig());
    expect(before).not.toBeNull();
    // The restart answers once the new task runs and the balancer points at it: the very next request reaches it.
    const restarted = await api("POST", `/sites/${siteId}/service/restart`);
    expect(restarted.status).toBe(200);
    expect(await restarted.json()).toMatchObject({ state: "running" });
    expect(upstreamLine(await siteConfig())).not.toBeNull();
    expect(await get()).toEqual({ status: 200, body: page });

    // A run.sh that exits at once fails the restart, in plain words.
    const failing = "#!/bin/sh\necho giving up\nexit 3\n";
    expect((await api("PUT", `/sites/${siteId}/files?path=run.sh&mode=755`, { bytes: failing })).status).toBe(200);
    const failed = await api("POST", `/sites/${siteId}/service/restart`);
    expect(failed.status).toBe(422);
    expect(await failed.json()).toMatchObject({
      error: { code: "SITE_PROCESS_FAILED", message: expect.stringContaining("code 3") },
    });
    // Fixed and restarted at once: the restart policy's replacement (old spec, waiting out its delay) is in the task
    // list, and this restart shuts it down (exit code 0). Only the restart's own task counts; the interleavings that
    // made that matter are replayed in core/site-services.restart.test.ts.
    expect((await api("PUT", `/sites/${siteId}/files?path=run.sh&mode=755`, { bytes: runSh })).status).toBe(200);
    const fixed = await api("POST", `/sites/${siteId}/service/restart`);
    expect(fixed.status, await fixed.clone().text()).toBe(200);
    expect(await fixed.json()).toMatchObject({ state: "running" });
    expect(await get()).toEqual({ status: 200, body: page });
    expect(before).not.toBeNull();

    expect((await api("DELETE", `/sites/${siteId}/service`)).status).toBe(204);
    const removed = await get();
    expect(removed.status).toBe(503);
    expect(removed.body).toContain(`The process of the site ${siteName} is not running.`);
    expect(await (await api("GET", `/sites/${siteId}/service`)).json()).toMatchObject({ state: "absent" });
    expect((await inventory(`?siteId=${siteId}`)).sites[0]?.service).toBeNull();
  });
});
