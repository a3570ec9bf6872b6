/**
 * The SSH server on a real socket with ssh2's own client: host keys made once and kept private, a taken port refused
 * with what to change, connections counted per client address, and a connection that does not log in closed.
 */
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateHostKeys } from "../adapters/host-key-files.js";
import type { ShellManager } from "../adapters/manager-shell-api.js";
import { SshServer } from "./ssh-server.js";

/** Nothing here logs in, so the manager is never asked: every call fails the test. */
const unusedManager: ShellManager = new Proxy({} as ShellManager, {
  get: () => () => Promise.reject(new Error("the manager is not part of this test")),
});

describe("SshServer", () => {
  let dir: string;
  let hostKeys: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "director-shell-"));
    hostKeys = (await loadOrCreateHostKeys(path.join(dir, "keys"))).map((key) => key.privateKey);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const server = (options: { perAddress?: number; loginTimeoutMs?: number } = {}) =>
    new SshServer({
      hostKeys,
      manager: unusedManager,
      maxConnections: 100,
      maxConnectionsPerAddress: options.perAddress ?? 10,
      loginTimeoutMs: options.loginTimeoutMs ?? 30_000,
      failureDelayMs: 0,
      siteHint: () => "",
      log: pino({ level: "silent" }),
    });

  /** A TCP connection that says it speaks SSH and then nothing more; resolves to when it was closed. */
  const connect = async (port: number): Promise<{ banner: Promise<string>; closedAt: Promise<number> }> => {
    const socket = new Socket();
    await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", resolve));
    socket.write("SSH-2.0-silent\r\n");
    let received = "";
    const banner = new Promise<string>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("latin1");
        if (received.includes("\r\n")) resolve(received.split("\r\n")[0] ?? "");
      });
      socket.on("close", () => resolve(received));
    });
    const closedAt = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
    socket.on("error", () => undefined);
    return { banner, closedAt };
  };

  it("keeps its host keys: the same fingerprints next time, each file only the owner's", async () => {
    const first = await loadOrCreateHostKeys(path.join(dir, "keys"));
    const again = await loadOrCreateHostKeys(path.join(dir, "keys"));
    expect(again.map((key) => key.fingerprint)).toEqual(first.map((key) => key.fingerprint));
    expect(first.map((key) => key.algorithm)).toEqual(["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"]);
    expect((await stat(path.join(dir, "keys", "ssh_host_ed25519_key"))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "keys"))).mode & 0o777).toBe(0o700);
    await chmod(path.join(dir, "keys", "ssh_host_rsa_key"), 0o644);
    await expect(loadOrCreateHostKeys(path.join(dir, "keys"))).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    await chmod(path.join(dir, "keys", "ssh_host_rsa_key"), 0o600);
  });

  it("refuses a port that is taken with what to change", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(server().listen("127.0.0.1", port)).rejects.toMatchObject({
        code: "CONFIG_INVALID",
        message: expect.stringContaining("DIRECTOR_SHELL_PORT"),
      });
    } finally {
      taken.close();
    }
  });

  it("takes at most its number of connections from one address, and closes one that does not log in", async () => {
    const ssh = server({ perAddress: 2, loginTimeoutMs: 1_500 });
    const port = await ssh.listen("127.0.0.1", 0);
    try {
      const startedAt = Date.now();
      const first = await connect(port);
      const second = await connect(port);
      expect(await first.banner).toBe("SSH-2.0-Director");
      expect(await second.banner).toBe("SSH-2.0-Director");
      const third = await connect(port);
      // Closed at once (ssh2 has sent its banner by the time the connection is counted).
      expect((await third.closedAt) - startedAt).toBeLessThan(1_000);
      expect(ssh.connectionCount).toBe(2);
      // Neither logs in: both are closed at the login timeout, and their places are free again.
      for (const connection of [first, second]) {
        const lasted = (await connection.closedAt) - startedAt;
        expect(lasted).toBeGreaterThanOrEqual(1_400);
        expect(lasted).toBeLessThan(5_000);
      }
      for (let wait = 0; wait < 50 && ssh.connectionCount > 0; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(ssh.connectionCount).toBe(0);
    } finally {
      await ssh.close();
    }
  });
});
