/**
 * A dynamic site through the orchestrator's HTTP API, as the manager will drive it: a real Swarm service, a real
 * nginx balancer, and the orchestrator's own task address watcher filling the upstream.
 */
import { randomBytes, randomInt } from "node:crypto";
import { lstat, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { NginxServer } from "@director/host/nginx-server";
import { InternalClient } from "@director/http-kit/internal-client";
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
    // Plain directories: a closed orchestrator leaves site volumes mounted (loop-site-volumes.int.test.ts has them).
    sites: { dir: path.join(root, "sites"), uidBase: testSiteUidBase, volumes: "directory" },
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

/** The orchestrator's API as the manager calls it (the restart waits for the new task: a longer time limit). */
const client = () => new InternalClient({ component: "orchestrator", baseUrl, token: testToken, timeoutMs: 60_000 });
const site = { params: { id: siteId } };
const writeSiteFile = (filePath: string, text: string, mode?: "755") =>
  client().request(api.writeFile, { ...site, query: { path: filePath, mode }, body: Buffer.from(text) });

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
    await client().request(api.ensureSiteDirectories, site);
    const runSh = '#!/bin/sh\necho "listening on $PORT"\nexec httpd -f -p "$PORT" -h /site/public\n';
    await writeSiteFile("run.sh", runSh, "755");
    await writeSiteFile("public/index.html", page);

    const service = { isEnabled: true, limits: { memoryBytes: 64 * 1024 * 1024 } };
    await client().request(api.upsertService, { ...site, body: service });
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

    const balancerSpec = { name: siteName, type: "dynamic", availability: "enabled" } as const;
    await client().request(api.upsertBalancer, { ...site, body: balancerSpec });
    // The watcher fills the upstream once the task runs; httpd may need a moment more to listen.
    expect(await waitFor(get, (response) => response.status === 200, 20_000)).toEqual({ status: 200, body: page });
    expect(await client().request(api.serviceStatus, site)).toMatchObject({ state: "running" });
    const logs = await waitFor(
      () => client().request(api.siteLogs, { ...site, query: { tailLines: 10 } }),
      (value) => value.lines.includes("listening on 8080"),
      10_000,
    );
    expect(logs.lines).toContain("listening on 8080");

    // The inventory the reconciler reads: the real service (this installation's only), file and directory.
    const inventory = (query: { siteId?: number } = {}) => client().request(api.inventory, { query });
    const mine = await inventory({ siteId });
    expect(mine).toMatchObject({ installationId, isDockerAvailable: true });
    expect(mine.sites).toEqual([
      {
        id: siteId,
        hasDirectory: true,
        balancer: { hasConfig: true, spec: { id: siteId, ...balancerSpec }, isConfigCurrent: true },
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
    expect((await inventory({ siteId })).sites[0]?.balancer.isConfigCurrent).toBe(false);
    await client().request(api.upsertBalancer, { ...site, body: balancerSpec });
    expect((await inventory({ siteId })).sites[0]?.balancer.isConfigCurrent).toBe(true);

    const before = upstreamLine(await siteConfig());
    expect(before).not.toBeNull();
    // The restart answers once the new task runs and the balancer points at it: the very next request reaches it.
    expect(await client().request(api.restartService, site)).toMatchObject({ state: "running" });
    expect(upstreamLine(await siteConfig())).not.toBeNull();
    expect(await get()).toEqual({ status: 200, body: page });

    // A run.sh that exits at once fails the restart, in plain words.
    const failing = "#!/bin/sh\necho giving up\nexit 3\n";
    await writeSiteFile("run.sh", failing, "755");
    await expect(client().request(api.restartService, site)).rejects.toMatchObject({
      code: "SITE_PROCESS_FAILED",
      message: expect.stringContaining("code 3"),
    });
    // Fixed and restarted at once: the restart policy's replacement (old spec, waiting out its delay) is in the task
    // list, and this restart shuts it down (exit code 0). Only the restart's own task counts; the interleavings that
    // made that matter are replayed in core/site-services.restart.test.ts.
    await writeSiteFile("run.sh", runSh, "755");
    expect(await client().request(api.restartService, site)).toMatchObject({ state: "running" });
    expect(await get()).toEqual({ status: 200, body: page });
    expect(before).not.toBeNull();

    await client().request(api.removeService, site);
    const removed = await get();
    expect(removed.status).toBe(503);
    expect(removed.body).toContain(`The process of the site ${siteName} is not running.`);
    expect(await client().request(api.serviceStatus, site)).toMatchObject({ state: "absent" });
    expect((await inventory({ siteId })).sites[0]?.service).toBeNull();
  });
});
