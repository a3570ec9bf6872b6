import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive, listChildPids, readProcessCommandLine } from "./linux-processes.js";
import type { Logger } from "./logger.js";
import { parseNginxConfigFileName } from "./nginx-config-file-name.js";
import { NginxConfigStore } from "./nginx-config-store.js";
import { NginxServer } from "./nginx-server.js";

// The real nginx on loopback ports: every assertion is an HTTP answer or a /proc fact.

interface LogEntry {
  level: "info" | "warn" | "error";
  fields: object;
  message: string | undefined;
}
function memoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (fieldsOrMessage: object | string, message?: string): void => {
      entries.push(
        typeof fieldsOrMessage === "string"
          ? { level, fields: {}, message: fieldsOrMessage }
          : { level, fields: fieldsOrMessage, message },
      );
    };
  return { entries, info: at("info"), warn: at("warn"), error: at("error") };
}

/** One GET on a fresh connection (no keep-alive, so each request meets the workers accepting now). */
async function get(port: number, host: string, path = "/"): Promise<{ status: number; body: string }> {
  const { status, body } = await getWithHost(port, host, path);
  return { status, body: body.toString("utf8") };
}

/** Live processes whose command line names this prefix, plus any of the given pids still alive. */
async function nginxProcessesOf(prefixDir: string, pids: readonly number[]): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const commandLine = await readProcessCommandLine(pid);
    if ((commandLine?.includes(prefixDir) || pids.includes(pid)) && (await isProcessAlive(pid))) found.push(pid);
  }
  return found;
}

const site = (port: number, host: string, body: string) =>
  `server {\n  listen 127.0.0.1:${port};\n  server_name ${host};\n  location / { return 200 "${body}"; }\n}\n`;

const defaultFile = parseNginxConfigFileName("00-default.conf");
const a = parseNginxConfigFileName("a.conf");
const b = parseNginxConfigFileName("b.conf");

describe("NginxServer and NginxConfigStore against the real nginx", () => {
  let root: string;
  let prefixDir: string;
  let port: number;
  let log: ReturnType<typeof memoryLogger>;
  let server: NginxServer;
  let sites: NginxConfigStore;
  const servers: NginxServer[] = [];
  /** what the server told its metrics of each reload */
  const reloads: Array<{ outcome: "ok" | "failed"; seconds: number }> = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "director-nginx-"));
    // mkdtemp makes 0700 directories; when root, workers run as www-data and must traverse to tmp/.
    await chmod(root, 0o755);
    prefixDir = join(root, "nginx");
    port = await freePort();
    log = memoryLogger();
    server = new NginxServer({
      prefixDir,
      includeDirs: [join(root, "defaults"), join(root, "sites")],
      workerProcesses: 2,
      log,
      onReload: (outcome, seconds) => reloads.push({ outcome, seconds }),
    });
    servers.push(server);
    await server.start();
    const defaults = new NginxConfigStore(join(root, "defaults"), server, log);
    await defaults.put(defaultFile, `server {\n  listen 127.0.0.1:${port} default_server;\n  return 404;\n}\n`);
    sites = new NginxConfigStore(join(root, "sites"), server, log);
  });

  afterAll(async () => {
    for (const each of servers) await each.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("starts a master with the configured workers and its own main config", async () => {
    const pid = server.pid;
    expect(pid).not.toBeNull();
    expect(await isProcessAlive(pid ?? 0)).toBe(true);
    expect(await listChildPids(pid ?? 0)).toHaveLength(2);
    expect(await readdir(prefixDir)).toEqual(expect.arrayContaining(["nginx.conf", "mime.types", "logs", "tmp"]));
  });

  it("serves two sites by Host header", async () => {
    await sites.put(a, site(port, "a.test", "a"));
    await sites.put(b, site(port, "b.test", "b"));
    expect(await get(port, "a.test")).toEqual({ status: 200, body: "a" });
    expect(await get(port, "b.test")).toEqual({ status: 200, body: "b" });
    expect((await get(port, "unknown.test")).status).toBe(404);
  });

  it("rejects a broken file, restores the previous one exactly, and keeps serving every site", async () => {
    const before = await sites.read(b);
    const failure = await sites.put(b, "server {\n  listen 127.0.0.1:1;\n  bogus_directive on;\n}\n").catch((e) => e);
    expect(failure).toMatchObject({ code: "NGINX_CONFIG_REJECTED", details: { file: "b.conf" } });
    expect(failure.message).toContain("b.conf");
    expect(failure.message).toContain('unknown directive "bogus_directive"');
    expect(await sites.read(b)).toBe(before);
    expect(await get(port, "a.test")).toEqual({ status: 200, body: "a" });
    expect(await get(port, "b.test")).toEqual({ status: 200, body: "b" });
    expect(await sites.list()).toEqual(["a.conf", "b.conf"]);
  });

  it("serves a changed file as soon as put() resolves (the reload waits for old workers)", async () => {
    const reloadsBefore = reloads.length;
    for (let version = 1; version <= 10; version += 1) {
      await sites.put(a, site(port, "a.test", `a${version}`));
      expect(await get(port, "a.test")).toEqual({ status: 200, body: `a${version}` });
    }
    // one reload each, every one told to the metrics with how long it took
    const told = reloads.slice(reloadsBefore);
    expect(told.map((reload) => reload.outcome)).toEqual(Array(10).fill("ok"));
    for (const reload of told) expect(reload.seconds).toBeGreaterThan(0);
  });

  it("does not reload for an unchanged file", async () => {
    const workersBefore = (await listChildPids(server.pid ?? 0)).sort();
    await sites.put(b, site(port, "b.test", "b"));
    expect((await listChildPids(server.pid ?? 0)).sort()).toEqual(workersBefore);
  });

  it("does not wait for an old worker that is busy with a long request", async () => {
    // An upstream that never answers keeps one old worker busy across the reload.
    const upstreamPort = await freePort();
    const upstreamSockets = new Set<Socket>();
    const upstream: Server = createServer((socket) => upstreamSockets.add(socket));
    await new Promise<void>((resolve) => upstream.listen(upstreamPort, "127.0.0.1", resolve));
    try {
      const slow = parseNginxConfigFileName("slow.conf");
      await sites.put(
        slow,
        `server {\n  listen 127.0.0.1:${port};\n  server_name slow.test;\n  location / { proxy_pass http://127.0.0.1:${upstreamPort}; }\n}\n`,
      );
      const hanging = get(port, "slow.test").catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const startedAt = Date.now();
      await sites.put(a, site(port, "a.test", "a-after-busy"));
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      expect(await get(port, "a.test")).toEqual({ status: 200, body: "a-after-busy" });
      // The old worker still holds the hanging request; once the upstream hangs up, nginx answers 502.
      for (const socket of upstreamSockets) socket.destroy();
      expect(await hanging).toMatchObject({ status: 502 });
      await sites.remove(slow);
    } finally {
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });

  it("throws NGINX_RELOAD_FAILED and restores the file when the running master refuses the change", async () => {
    // `nginx -t` does not bind, so a port held by another program only fails at reload time.
    const takenPort = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(takenPort, "127.0.0.1", resolve));
    try {
      const before = await sites.read(a);
      const reloadsBefore = reloads.length;
      const failure = await sites.put(a, site(takenPort, "a.test", "never")).catch((e) => e);
      expect(failure).toMatchObject({ code: "NGINX_RELOAD_FAILED", details: { file: "a.conf" } });
      expect(failure.message).toContain("could not bind");
      // the refused reload, told as such (the master kept the previous configuration: putting its file back needs none)
      expect(reloads.slice(reloadsBefore).map((reload) => reload.outcome)).toEqual(["failed"]);
      expect(await sites.read(a)).toBe(before);
      expect(await get(port, "a.test")).toEqual({ status: 200, body: "a-after-busy" });
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it("checks a changed file alone: a broken file beside it is not read, a broken change is refused", async () => {
    const sitesDir = join(root, "sites");
    // A file nobody put through the store (an operator's typo); a full `nginx -t` would fail on it for every change.
    const stray = join(sitesDir, "stray.conf");
    await writeFile(stray, "this is not nginx;\n");
    try {
      await expect(server.testFiles([join(sitesDir, "a.conf")])).resolves.toBeUndefined();
      await expect(server.test()).rejects.toMatchObject({ code: "NGINX_CONFIG_REJECTED" });
      const refused = await server.testFiles([stray]).catch((error) => error);
      expect(refused).toMatchObject({ code: "NGINX_CONFIG_REJECTED" });
      expect(refused.details.nginxError).toContain("stray.conf");
      // The check's own main file is gone afterwards: only what the operator and the stores wrote is in the prefix.
      expect((await readdir(prefixDir)).filter((name) => name.startsWith("check-"))).toEqual([]);
    } finally {
      await rm(stray, { force: true });
    }
  });

  it("serves every one of five changes made at the same time, and every removal", async () => {
    const names = ["c1", "c2", "c3", "c4", "c5"].map((name) => parseNginxConfigFileName(`${name}.conf`));
    // Whether they share reloads is CoalescedTask's (coalesced-task.test.ts); here: none of them is lost on the way.
    await Promise.all(names.map((name, i) => sites.put(name, site(port, `${name}.test`, `c${i + 1}`))));
    for (const [i, name] of names.entries())
      expect(await get(port, `${name}.test`)).toMatchObject({ body: `c${i + 1}` });
    await Promise.all(names.map((name) => sites.remove(name)));
    for (const name of names) expect((await get(port, `${name}.test`)).status).toBe(404);
  });

  it("stops answering for a removed site", async () => {
    await sites.remove(b);
    await sites.remove(b);
    expect(await get(port, "b.test")).toEqual({ status: 404, body: expect.any(String) });
    expect((await get(port, "a.test")).status).toBe(200);
    expect(await sites.list()).toEqual(["a.conf"]);
  });

  it("takes over from a live master left by an earlier run on the same prefix", async () => {
    const stalePid = server.pid ?? 0;
    const staleWorkers = await listChildPids(stalePid);
    const successor = new NginxServer({
      prefixDir,
      includeDirs: [join(root, "defaults"), join(root, "sites")],
      workerProcesses: 1,
      log,
    });
    servers.push(successor);
    await successor.start();

    expect(successor.pid).not.toBe(stalePid);
    expect(await isProcessAlive(stalePid)).toBe(false);
    for (const worker of staleWorkers) expect(await isProcessAlive(worker)).toBe(false);
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: "warn", message: "stopping an nginx master left by an earlier run" }),
    );
    expect(await get(port, "a.test")).toEqual({ status: 200, body: "a-after-busy" });
    server = successor;
  });

  it("stop() leaves no nginx process of the prefix alive and is idempotent", async () => {
    const masterPid = server.pid ?? 0;
    const workers = await listChildPids(masterPid);
    expect(workers.length).toBeGreaterThan(0);
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(server.pid).toBeNull();
    expect(await nginxProcessesOf(prefixDir, [masterPid, ...workers])).toEqual([]);
    await expect(get(port, "a.test")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("NginxServer failures", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "director-nginx-fail-"));
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses to start with a broken include and starts nothing", async () => {
    const prefixDir = join(root, "broken");
    const sitesDir = join(prefixDir, "sites");
    const server = new NginxServer({ prefixDir, includeDirs: [sitesDir], workerProcesses: 1, log: memoryLogger() });
    await mkdir(sitesDir, { recursive: true });
    await writeFile(join(sitesDir, "x.conf"), "server { nonsense; }\n");
    await expect(server.start()).rejects.toMatchObject({ code: "NGINX_CONFIG_REJECTED" });
    expect(server.pid).toBeNull();
    expect(await nginxProcessesOf(prefixDir, [])).toEqual([]);
  });

  it("logs an unexpected exit of the master with its output", async () => {
    const prefixDir = join(root, "crash");
    const log = memoryLogger();
    const server = new NginxServer({ prefixDir, includeDirs: [], workerProcesses: 1, log });
    await server.start();
    try {
      process.kill(server.pid ?? 0, "SIGTERM");
      await expect.poll(() => log.entries.some((entry) => entry.level === "error"), { timeout: 5_000 }).toBe(true);
      expect(log.entries).toContainEqual(
        expect.objectContaining({
          level: "error",
          message: "nginx master exited unexpectedly",
          fields: expect.objectContaining({
            exitCode: 0,
            stderrTail: expect.any(String),
            errorLogTail: expect.any(String),
          }),
        }),
      );
      expect(server.pid).toBeNull();
    } finally {
      await server.stop();
    }
  });
});
