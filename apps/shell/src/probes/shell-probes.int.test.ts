/**
 * The shell server's probes on real sockets: /readyz answers 200 while the SSH listener listens and the manager
 * answers, 503 naming the manager once it does not; /metrics answers the metrics token only and counts open and
 * refused SSH connections; without a probe port nothing listens for them.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@director/testing/free-port";
import { httpRequest } from "@director/testing/http-request";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShellManager } from "../adapters/manager-shell-api.js";
import { loadShellConfig } from "../config.js";
import { createShell, type ShellHandle } from "../main.js";

const metricsToken = randomBytes(16).toString("hex");
const silent = pino({ level: "silent" });
/** Nothing here logs in: the manager's API is never asked (the host-key report is retried quietly). */
const unusedManager: ShellManager = new Proxy({} as ShellManager, {
  get: () => () => Promise.reject(new Error("the manager's API is not part of this test")),
});

describe("the shell server's probes", () => {
  let dir: string;
  let manager: Server;
  let managerPort: number;
  const shells: ShellHandle[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "director-shell-probes-"));
    // the manager's liveness probe, as a real HTTP server: 200 while it runs
    manager = createHttpServer((_request, response) => response.end("ok"));
    managerPort = await freePort();
    await new Promise<void>((resolve) => manager.listen(managerPort, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    for (const shell of shells) await shell.close();
    if (manager.listening) await stopManager();
    await rm(dir, { recursive: true, force: true });
  });

  const stopManager = async () => {
    const closed = new Promise((resolve) => manager.close(resolve));
    manager.closeAllConnections(); // a kept-alive connection of the probe's fetch would hold the close
    await closed;
  };

  const start = async (env: Record<string, string>) => {
    const config = loadShellConfig({
      DIRECTOR_SHELL_HOST: "127.0.0.1",
      DIRECTOR_SHELL_PORT: "0",
      DIRECTOR_SHELL_HOST_KEYS_DIR: path.join(dir, "keys"),
      DIRECTOR_MANAGER_URL: `http://127.0.0.1:${managerPort}`,
      DIRECTOR_SHELL_TOKEN: "s".repeat(32),
      ...env,
    });
    const shell = await createShell(config, { log: silent, manager: unusedManager });
    shells.push(shell);
    return { shell, port: await shell.listen() };
  };

  /** A TCP connection that says it speaks SSH, then waits; resolves once the server has answered or closed it. */
  const connect = async (port: number) => {
    const socket = new Socket();
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", resolve));
    socket.write("SSH-2.0-silent\r\n");
    await new Promise((resolve) => {
      socket.once("data", resolve);
      socket.once("close", resolve);
    });
    return socket;
  };

  it("is ready while it listens and the manager answers, and says so when the manager does not", async () => {
    const probePort = await freePort();
    await start({ DIRECTOR_SHELL_PROBE_PORT: String(probePort), DIRECTOR_METRICS_TOKEN: metricsToken });
    const readyz = async () => {
      const answer = await httpRequest({ url: `http://127.0.0.1:${probePort}/readyz` });
      return { status: answer.status, ...answer.json() };
    };
    expect(await readyz()).toEqual({
      status: 200,
      ready: true,
      component: "shell",
      checks: { ssh: { ok: true }, manager: { ok: true } },
    });
    expect((await httpRequest({ url: `http://127.0.0.1:${probePort}/healthz` })).status).toBe(200);
    await stopManager();
    const unready = await readyz();
    expect(unready).toMatchObject({ status: 503, ready: false, checks: { ssh: { ok: true } } });
    expect(unready.checks.manager).toMatchObject({ ok: false, problem: expect.stringContaining("manager") });
  });

  it("counts open and refused SSH connections for the metrics token only", async () => {
    const probePort = await freePort();
    const { port } = await start({
      DIRECTOR_SHELL_PROBE_PORT: String(probePort),
      DIRECTOR_METRICS_TOKEN: metricsToken,
      DIRECTOR_SHELL_MAX_CONNECTIONS: "2",
    });
    const scrape = (token?: string) =>
      httpRequest({
        url: `http://127.0.0.1:${probePort}/metrics`,
        ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
      });
    expect((await scrape()).status).toBe(401);
    expect((await scrape("s".repeat(32))).status).toBe(401); // the shell's own token opens nothing here
    const open = [await connect(port), await connect(port), await connect(port)];
    const text = (await scrape(metricsToken)).text;
    expect(text).toContain("director_shell_connections 2");
    expect(text).toContain("director_shell_connections_refused_total 1");
    expect(text).toContain("director_shell_logins_total 0");
    expect(text).toMatch(/director_shell_process_resident_memory_bytes [1-9]/);
    for (const socket of open) socket.destroy();
  });

  it("listens for no probes without a probe port", async () => {
    const unused = await freePort();
    await start({ DIRECTOR_METRICS_TOKEN: metricsToken });
    await expect(httpRequest({ url: `http://127.0.0.1:${unused}/healthz` })).rejects.toThrow();
  });
});
