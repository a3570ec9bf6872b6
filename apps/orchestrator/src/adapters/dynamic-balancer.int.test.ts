/**
 * A dynamic site end to end on one node: a real Swarm service, a real nginx balancer proxying to the task's own
 * address, and the TaskAddressWatcher keeping that address current, wired as main.ts will wire it.
 */
import { randomBytes, randomInt } from "node:crypto";
import { chmod, chown, mkdir, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import path from "node:path";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import type { NginxServer } from "@director/host/nginx-server";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { startTestNginx } from "@director/testing/test-nginx";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceStatus, SiteServiceSpec } from "../core/service-runtime.js";
import { NginxBalancerConfig, siteConfigFileName } from "./balancer-config.js";
import { DockerSiteContainers } from "./docker-site-containers.js";
import { DockerSwarmRuntime } from "./docker-swarm-runtime.js";
import { removeDockerTestObjects, testSiteUser, waitFor } from "./docker-test-objects.js";
import { FsSiteIndex } from "./fs-site-index.js";
import { ensureBusyboxBaseImage } from "./local-base-images.js";
import { ensureSiteNetwork } from "./swarm-network.js";
import { serviceNameOf } from "./swarm-service-spec.js";
import { TaskAddressWatcher } from "./task-address-watcher.js";

const log = pino({ level: "silent" });
const docker = new Docker();
const runId = randomBytes(4).toString("hex");
const networkName = `director-test-${runId}`;
const imageName = `director-test/base-busybox-${runId}`;
const sitePort = 8080;
/** This run's own installation: its services and containers are the only ones the runtime and watcher see. */
const installationId = `t${runId}` as InstallationId;
const runtime = new DockerSwarmRuntime(docker, { installationId, port: sitePort });
const containers = new DockerSiteContainers(docker, networkName, installationId);
/** What the database would say about each test site; the watcher's callback renders from it. */
const balancerSpecs = new Map<SiteId, BalancerSiteSpec>();
/** The address each site's balancer file names once the watcher's callback has finished (reloaded nginx). */
const appliedAddresses = new Map<SiteId, string | null>();
const usedSiteIds: SiteId[] = [];
let image: ImageRef | undefined;
let root: string;
let server: NginxServer | undefined;
let store: NginxConfigStore;
let balancer: NginxBalancerConfig;
let watcher: TaskAddressWatcher | undefined;
let edgePort: number;

beforeAll(async () => {
  const nginx = await startTestNginx({ prefix: "director-dynamic-", includeDirNames: ["sites"], log });
  ({ root, server, port: edgePort } = nginx);
  const sitesConfDir = nginx.confDirs.sites ?? "";
  store = new NginxConfigStore(sitesConfDir, server, log);
  const index = new FsSiteIndex(path.join(root, "nginx", "site-index"));
  balancer = new NginxBalancerConfig({
    files: store,
    index,
    directories: { pathOf: (id) => path.join(root, "sites", String(id)) },
    env: {
      listen: `127.0.0.1:${edgePort}`,
      sitesDomain: "sites.localhost",
      defaultClientBodyLimitBytes: 2 * 1024 * 1024,
      indexDir: index.dir,
    },
  });
  await balancer.prepare();
  image = await ensureBusyboxBaseImage(docker, { imageName });
  await ensureSiteNetwork(docker, networkName);
  // Exactly the future main.ts wiring: a changed address re-renders that one site's file.
  watcher = new TaskAddressWatcher({
    installationId,
    events: containers,
    addresses: containers,
    log,
    onChange: async (siteId, address) => {
      const spec = balancerSpecs.get(siteId);
      if (spec === undefined) return; // another test file's site
      await balancer.upsert({ ...spec, upstream: address === null ? null : { address, port: sitePort } });
      appliedAddresses.set(siteId, address);
    },
  });
  watcher.start();
});

afterAll(async () => {
  try {
    await watcher?.stop();
    await removeDockerTestObjects(docker, {
      serviceNames: usedSiteIds.map((id) => serviceNameOf(installationId, id)),
      networkName,
      imageRefs: image === undefined ? [] : [image],
    });
  } finally {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  }
});

/** A new site (random high id) whose directory holds `files`, owned by the site user as the runtime needs. */
async function newSite(
  files: Record<string, string>,
): Promise<{ siteId: SiteId; dir: string; spec: BalancerSiteSpec }> {
  const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
  usedSiteIds.push(siteId);
  const dir = path.join(root, "sites", String(siteId));
  await mkdir(path.join(dir, "public"), { recursive: true });
  await chmod(path.join(root, "sites"), 0o755);
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
  }
  for (const entry of [dir, path.join(dir, "public"), ...Object.keys(files).map((name) => path.join(dir, name))]) {
    await chown(entry, testSiteUser(siteId).uid, testSiteUser(siteId).gid);
  }
  await chmod(dir, 0o755);
  const spec: BalancerSiteSpec = {
    id: siteId,
    name: parseSiteName(`t${siteId}`),
    type: "dynamic",
    availability: "enabled",
  };
  return { siteId, dir, spec };
}

function serviceSpecOf(siteId: SiteId, dir: string, isEnabled = true): SiteServiceSpec {
  if (image === undefined) throw new Error("the base image was not built");
  const limits = { cpus: 0.5, memoryBytes: 64 * 1024 * 1024, pidsLimit: 64 };
  return { siteId, siteDirectory: dir, user: testSiteUser(siteId), image, isEnabled, limits, env: {}, networkName };
}

const runningAddressOf = (status: ServiceStatus) =>
  status.state === "running" ? (status.tasks[0]?.address ?? null) : null;

const get = (spec: BalancerSiteSpec) =>
  getWithHost(edgePort, `${spec.name}.sites.localhost`, "/index.html").then((response) => ({
    status: response.status,
    body: response.body.toString(),
  }));

/** Resolves once the watcher's callback has put `address` in the site's balancer file and reloaded nginx. */
const waitForApplied = (siteId: SiteId, address: string | null) =>
  waitFor(
    async () => appliedAddresses.get(siteId),
    (applied) => applied === address,
    30_000,
  );

const readSiteConfig = async (siteId: SiteId) => (await store.read(siteConfigFileName(siteId))) ?? "";

describe.concurrent("a dynamic site behind the balancer", () => {
  it("is proxied to its task, follows a restart through the watcher, and says when it is stopped", async () => {
    const page = "hello from a dynamic site\n";
    const { siteId, dir, spec } = await newSite({
      "run.sh": '#!/bin/sh\nexec httpd -f -p "$PORT" -h /site/public\n',
      "public/index.html": page,
    });
    balancerSpecs.set(siteId, spec);
    await balancer.upsert(spec);
    expect(await get(spec)).toMatchObject({ status: 503, body: expect.stringContaining("is not running") });

    await runtime.upsert(serviceSpecOf(siteId, dir));
    const first = await waitFor(
      () => runtime.status(siteId),
      (status) => runningAddressOf(status) !== null,
    );
    const firstAddress = runningAddressOf(first);
    expect(await containers.addressOf(siteId)).toBe(firstAddress);
    /** The page comes back through nginx (httpd may need a moment to listen after the task runs). */
    const expectServesPage = async () =>
      expect(
        await waitFor(
          () => get(spec),
          (response) => response.status === 200,
          30_000, // Docker under a full test run can take this long to stop or move a task
        ),
      ).toEqual({
        status: 200,
        body: page,
      });
    await balancer.upsert({ ...spec, upstream: { address: firstAddress ?? "", port: sitePort } });
    await expectServesPage();

    await runtime.restart(siteId);
    const second = await waitFor(
      () => runtime.status(siteId),
      (status) => runningAddressOf(status) !== null && status.tasks[0]?.id !== first.tasks[0]?.id,
    );
    const secondAddress = runningAddressOf(second);
    // Only the watcher rewrites the file from here on.
    await waitFor(
      () => readSiteConfig(siteId),
      (text) => text.includes(`server ${secondAddress}:${sitePort};`),
      30_000, // Docker under a full test run can take this long to stop or move a task
    );
    await expectServesPage();

    await runtime.upsert(serviceSpecOf(siteId, dir, false));
    // Wait for the file first: a request sent while the old file still names the dead task's address hangs until
    // proxy_connect_timeout (nothing answers at that address, not even a reset).
    await waitFor(
      () => readSiteConfig(siteId),
      (text) => !text.includes("upstream"),
      // Docker under a full test run can take this long to stop a task (a run on 2 cores once took over 30 s)
      60_000,
    );
    const stopped = await waitFor(
      () => get(spec),
      (response) => response.status === 503,
      30_000, // Docker under a full test run can take this long to stop or move a task
    );
    expect(stopped.body).toContain(`The process of the site ${spec.name} is not running.`);
  }, 180_000);

  it("answers a clear 502 page, not nginx's own, when run.sh does not listen on $PORT", async () => {
    const { siteId, dir, spec } = await newSite({ "run.sh": "#!/bin/sh\nexec sleep 2147483647\n" });
    balancerSpecs.set(siteId, spec);
    await runtime.upsert(serviceSpecOf(siteId, dir));
    const status = await waitFor(
      () => runtime.status(siteId),
      (value) => runningAddressOf(value) !== null,
    );
    // The watcher alone puts the upstream in place.
    await waitForApplied(siteId, runningAddressOf(status));
    expect(await readSiteConfig(siteId)).toContain(`server ${runningAddressOf(status)}:${sitePort};`);
    const response = await get(spec);
    expect(response.status).toBe(502);
    expect(response.body).toContain(`The process of the site ${spec.name} is not answering.`);
    expect(response.body).toContain("check its run.sh and its log, and that it listens on &#36;PORT (8080)");
    expect(response.body).not.toContain("nginx");
  });

  it("sends upgrade requests with Connection: upgrade and every other request with no Connection header", async () => {
    // A raw TCP backend on the host (no Swarm needed for this): it answers with the Connection header it received.
    const backend = createServer((socket) => {
      socket.once("data", (chunk) => {
        const request = chunk.toString();
        const connection = /^connection: *(.*)\r$/im.exec(request)?.[1] ?? "(none)";
        const isUpgrade = /^upgrade: *websocket\r$/im.test(request);
        const head = isUpgrade
          ? "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
          : `HTTP/1.1 200 OK\r\nContent-Length: ${connection.length}\r\n\r\n`;
        socket.end(`${head}${connection}`);
      });
    });
    const backendPort = await freePort();
    await new Promise<void>((resolve) => backend.listen(backendPort, "127.0.0.1", resolve));
    try {
      const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
      const spec: BalancerSiteSpec = {
        id: siteId,
        name: parseSiteName(`t${siteId}`),
        type: "dynamic",
        availability: "enabled",
      };
      await balancer.upsert({ ...spec, upstream: { address: "127.0.0.1", port: backendPort } });
      try {
        expect(await get(spec)).toEqual({ status: 200, body: "(none)" });
        const upgraded = await rawRequest(
          `GET /ws HTTP/1.1\r\nHost: ${spec.name}.sites.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
        );
        expect(upgraded).toMatch(/^HTTP\/1\.1 101 /);
        expect(upgraded.endsWith("upgrade")).toBe(true);
      } finally {
        await balancer.remove(siteId);
      }
    } finally {
      await new Promise((resolve) => backend.close(resolve));
    }
  });
});

/** Sends `request` to the balancer and resolves with everything read until the other side closes (at most 5 s). */
function rawRequest(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(edgePort, "127.0.0.1", () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
    socket.on("error", reject);
  });
}
