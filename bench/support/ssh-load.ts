/**
 * SSH load from this process with the ssh2 client: connections that end as soon as they are logged in (N at a time
 * for a while, each timed from `connect` to `ready`), and sessions with a terminal (pty + shell) whose echo the bench
 * waits for (terminal-load.ts). Also starts the bare ssh2 server of the baseline as a process of its own.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { ssh2 } from "@director/host/ssh2-library";
import type { Client, ClientChannel } from "ssh2";
import { type EchoingTerminal, echoingTerminalOf } from "./terminal-load.js";

/** Where to connect and as whom: connection i logs in as `usernameOf(i)` with `privateKey`. */
export interface SshTarget {
  port: number;
  usernameOf(index: number): string;
  privateKey: Buffer;
}

const readyTimeoutMs = 30_000;

/** p50, p99 and max, in ms. */
export function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)) };
}

/**
 * Connects and logs in; resolves with the client once `ready`, or rejects with what went wrong. The client's socket has
 * TCP_NODELAY, as OpenSSH's has in a session with a terminal: with Nagle's algorithm on both ends, ssh2's small writes
 * wait for the peer's delayed ACK (40 ms on Linux) several times per login and once per keystroke, and the bench
 * would measure its own client.
 */
export function connectClient(target: SshTarget, index: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once("ready", () => resolve(client));
    // Kept for the client's life: an error event without a listener would throw; after ready, the caller listens too.
    client.on("error", reject);
    client.once("close", () => reject(new Error("closed before ready")));
    client.connect({
      host: "127.0.0.1",
      port: target.port,
      username: target.usernameOf(index),
      privateKey: target.privateKey,
      readyTimeout: readyTimeoutMs,
    });
    client.setNoDelay(true); // the socket exists once connect() has been called
  });
}

/** Ends a client and resolves once its connection is closed. */
function endClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    client.once("close", () => resolve());
    client.end();
  });
}

/**
 * `parallel` loops for `durationMs`, each connecting, logging in, disconnecting and waiting for the close before the
 * next: connections per second, the time to `ready` of each, and the failures.
 */
export async function connectionLoad(target: SshTarget, options: { parallel: number; durationMs: number }) {
  const readyMs: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const untilMs = started + options.durationMs;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.parallel }, async () => {
      while (performance.now() < untilMs) {
        const index = next++;
        const connecting = performance.now();
        try {
          const client = await connectClient(target, index);
          readyMs.push(performance.now() - connecting);
          await endClient(client);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { connections: readyMs.length, perSecond: readyMs.length / seconds, readyMs, errors };
}

/** An SSH session with a terminal: its client, its channel, and the terminal the round trips type into. */
export interface PtySession {
  client: Client;
  channel: ClientChannel;
  terminal: EchoingTerminal;
  /** ms from the start to `ready` (logged in), and to the channel's open (the server accepted the shell) */
  loggedInMs: number;
  channelMs: number;
}

/** Logs in and opens a shell with a pty (80×24); resolves once the channel is open (not yet the shell's prompt). */
export async function openPtySession(target: SshTarget, index: number): Promise<PtySession> {
  const started = performance.now();
  const client = await connectClient(target, index);
  const loggedInMs = performance.now() - started;
  const channel = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ term: "xterm-256color", cols: 80, rows: 24 }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    );
  });
  return { client, channel, terminal: echoingTerminalOf(channel), loggedInMs, channelMs: performance.now() - started };
}

/**
 * The bare ssh2 server (bare-ssh-server.ts) as a child process with `hostKeyFiles`, TCP_NODELAY on its connections
 * when `isNoDelay`; resolves once it listens.
 */
export async function startBareSshServer(repoRoot: string, hostKeyFiles: readonly string[], isNoDelay: boolean) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "bench", "support", "bare-ssh-server.ts"), ...hostKeyFiles],
    {
      cwd: repoRoot,
      env: { ...process.env, BARE_SSH_NO_DELAY: isNoDelay ? "1" : "0" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const found = /listening (\d+)/.exec(text);
      if (found) resolve(Number(found[1]));
    });
    child.once("exit", (code) => reject(new Error(`the bare ssh2 server exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
