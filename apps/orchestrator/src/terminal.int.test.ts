/**
 * Terminals through the orchestrator's API against the real Docker engine: a shell in the site's own environment
 * (its account, /site, read-only root, no capabilities, the sites network), resize, exit status, hang-up, refusals,
 * and the environment's lifetime (removed after the last shell, and with the site's files).
 */
import { randomInt } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import { InternalClient } from "@director/http-kit/internal-client";
import { openTerminalTestClient, type TerminalTestClient } from "@director/testing/terminal-client";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTerminalContainers } from "./adapters/docker-site-terminals.js";
import { testSiteUser, waitFor } from "./adapters/docker-test-objects.js";
import { terminalContainerNameOf } from "./adapters/terminal-container-spec.js";
import { SiteTerminals } from "./core/site-terminals.js";
import { startTerminalTestOrchestrator, type TerminalTestOrchestrator } from "./testing/terminal-test-orchestrator.js";
import { testToken } from "./testing/test-app.js";

const log = pino({ level: process.env.TEST_LOG ?? "silent" });
const docker = new Docker();
const siteId = randomInt(900_000_000, 999_999_999) as SiteId;
let orchestrator: TerminalTestOrchestrator;

beforeAll(async () => {
  orchestrator = await startTerminalTestOrchestrator(docker, log);
});

afterAll(async () => {
  await orchestrator?.close();
});

const client = () => new InternalClient({ component: "orchestrator", baseUrl: orchestrator.baseUrl, token: testToken });
const terminalUrl = (id: number) => orchestrator.terminalUrl(id);
const authorization = { authorization: `Bearer ${testToken}` };

/** A terminal of the test site, opened and ready. */
async function openShell(service: object = {}, size = { cols: 80, rows: 24 }): Promise<TerminalTestClient> {
  const terminal = await openTerminalTestClient(terminalUrl(siteId), authorization);
  terminal.control({ type: "open", ...size, service: { limits: { memoryBytes: 64 * 1024 * 1024 }, ...service } });
  await terminal.waitForReady();
  return terminal;
}

/** The processes of the site's terminal container, as `ps` lists them there. */
async function processesInEnvironment(): Promise<string> {
  const container = docker.getContainer(terminalContainerNameOf(orchestrator.installationId, siteId));
  const exec = await container.exec({ Cmd: ["ps", "-o", "pid,user,args"], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

describe("a site's terminal through the orchestrator", () => {
  it("runs a shell as the site's account in /site, with the process's limits and nothing more", async () => {
    await client().request(api.ensureSiteDirectories, { params: { id: siteId } });
    const terminal = await openShell({ env: { GREETING: "hello" } });
    const { uid, gid } = testSiteUser(siteId);
    expect((await terminal.run("id -u; id -g; pwd")).trim().split("\n")).toEqual([String(uid), String(gid), "/site"]);
    expect((await terminal.run('echo "$GREETING $HOME $PORT"')).trim()).toBe("hello /site/.home 8080");
    // A read-only root, no capabilities, no way to gain privileges: the process's own confinement.
    expect(await terminal.run("touch /etc/owned 2>&1; echo code=$?")).toMatch(/Read-only file system[\s\S]*code=1/);
    const status = await terminal.run("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
    expect(status).toMatch(/CapEff:\s+0{16}/);
    expect(status).toMatch(/CapBnd:\s+0{16}/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    // cgroup v2, or v1 on older hosts
    const memoryLimit = "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes";
    expect((await terminal.run(memoryLimit)).trim()).toBe(String(64 * 1024 * 1024));
    // Files made in the terminal are the site's, in its directory.
    await terminal.run("echo made-in-terminal > public/t.txt");
    const read = await client().request(api.readFile, { params: { id: siteId }, query: { path: "public/t.txt" } });
    expect(read.kind === "bytes" ? read.body.toString() : null).toBe("made-in-terminal\n");
    // On the sites network, like the site's process: behind the same firewall, reaching no other site.
    const info = await docker.getContainer(terminalContainerNameOf(orchestrator.installationId, siteId)).inspect();
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([orchestrator.networkName]);
    terminal.close();
  });

  it("resizes, passes the exit status back and closes", async () => {
    const terminal = await openShell({}, { cols: 100, rows: 30 });
    expect((await terminal.run("stty size")).trim()).toBe("30 100");
    terminal.control({ type: "resize", cols: 132, rows: 43 });
    await waitFor(
      async () => (await terminal.run("stty size")).trim(),
      (size) => size === "43 132",
      5_000,
    );
    terminal.control({ type: "ping" });
    await terminal.waitForMessage("pong");
    terminal.type("exit 3\n");
    expect(await terminal.closed).toEqual({ code: 1000, reason: "exited" });
    expect(terminal.messages().find((message) => message.type === "exit")).toEqual({ type: "exit", code: 3 });
  });

  it("hangs up the shell and what runs in it when the caller goes", async () => {
    const terminal = await openShell();
    const marker = `sleep ${randomInt(100_000, 999_999)}`;
    await terminal.run("true");
    terminal.type(`${marker}\n`);
    await waitFor(processesInEnvironment, (processes) => processes.includes(marker), 5_000);
    terminal.close();
    await waitFor(processesInEnvironment, (processes) => !processes.includes(marker), 10_000);
  });

  it("refuses a caller without the token and a first message that is not an open request", async () => {
    await expect(openTerminalTestClient(terminalUrl(siteId))).rejects.toMatchObject({ status: 401 });
    const terminal = await openTerminalTestClient(terminalUrl(siteId), authorization);
    terminal.control({ type: "open", cols: 80, rows: 24, service: { image: "../../etc" } });
    expect(await terminal.closed).toMatchObject({ code: 4500 });
    expect(terminal.messages()).toEqual([expect.objectContaining({ type: "error", code: "VALIDATION_FAILED" })]);
    const keysFirst = await openTerminalTestClient(terminalUrl(siteId), authorization);
    keysFirst.type("id\n");
    expect(await keysFirst.closed).toMatchObject({ code: 4500 });
  });

  it("ends every shell and removes the environment with the site's files", async () => {
    const terminal = await openShell();
    await terminal.run("true");
    await client().request(api.removeSiteDirectories, { params: { id: siteId } });
    await terminal.closed;
    const left = await listTerminalContainers(docker, orchestrator.installationId);
    expect(left.filter((container) => container.Labels["org.director.terminal-site-id"] === String(siteId))).toEqual(
      [],
    );
  });
});

describe("terminal environments' lifetime", () => {
  const shellRequest = { program: { kind: "shell" }, hasTty: true, size: { cols: 80, rows: 24 } } as const;

  it("keeps the environment while shells are open, removes it after the last, and replaces an outdated one", async () => {
    const id = randomInt(900_000_000, 999_999_999) as SiteId;
    const sitesDir = path.join(orchestrator.root, "sites");
    const terminals = new SiteTerminals({
      runtime: orchestrator.runtime,
      specOf: async (siteId, request) => ({
        siteId,
        siteDirectory: path.join(sitesDir, String(siteId)),
        user: testSiteUser(siteId),
        image: await orchestrator.baseImage(),
        isEnabled: true,
        limits: { cpus: 0.5, memoryBytes: 64 * 1024 * 1024, pidsLimit: 64, ...request.limits },
        env: request.env,
        networkName: orchestrator.networkName,
      }),
      ensureDirectory: async (siteId) => {
        await mkdir(path.join(sitesDir, String(siteId)), { recursive: true });
      },
      idleRemovalMs: 300,
      log,
    });
    const containerName = terminalContainerNameOf(orchestrator.installationId, id);
    const containerId = async () =>
      (
        await docker
          .getContainer(containerName)
          .inspect()
          .catch(() => null)
      )?.Id ?? null;
    const first = await terminals.open(id, { limits: {}, env: {} }, shellRequest);
    const started = await containerId();
    expect(started).not.toBeNull();
    // Another spec while a shell is open: the running environment is kept (the open shell is not killed).
    const second = await terminals.open(id, { limits: {}, env: { NEW: "1" } }, shellRequest);
    expect(await containerId()).toBe(started);
    expect(terminals.openSessions().get(id)).toBe(2);
    await first.end();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await containerId()).toBe(started);
    await second.end();
    await waitFor(containerId, (found) => found === null, 10_000);
    // With no shell open, a new spec gets a new environment.
    const third = await terminals.open(id, { limits: {}, env: {} }, shellRequest);
    const replacedFrom = await containerId();
    await third.end();
    const fourth = await terminals.open(id, { limits: {}, env: { NEW: "2" } }, shellRequest);
    expect(await containerId()).not.toBe(replacedFrom);
    await terminals.closeAll();
    expect(await containerId()).toBeNull();
    void fourth;
  });
});
