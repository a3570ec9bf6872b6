/**
 * A real image registry for tests: Debian's `docker-registry` (Docker's distribution 2.8) on a free port, its storage
 * in a temporary directory. Docker pushes to and pulls from a registry on 127.0.0.0/8 over plain HTTP without any
 * daemon setting; another address needs the node's `insecure-registries`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port.js";

export interface TestRegistry {
  /** `host:port`, as image references name it */
  address: string;
  /** The registry's HTTP API (`http://host:port`), to look at what it holds. */
  url: string;
  stop(): Promise<void>;
}

const startTimeoutMs = 15_000;

/** Starts a registry listening on `host` (127.0.0.1 unless a test's second node must reach another address). */
export async function startTestRegistry(options: { host?: string } = {}): Promise<TestRegistry> {
  const host = options.host ?? "127.0.0.1";
  const dir = await mkdtemp(path.join(tmpdir(), "director-registry-"));
  const port = await freePort();
  const configPath = path.join(dir, "config.yml");
  await writeFile(
    configPath,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(dir, "data")}`,
      "http:",
      `  addr: ${host}:${port}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8192)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8192)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`docker-registry exited during start-up: ${output.trim()}`);
    }
    const answer = await fetch(`${url}/v2/`).catch(() => null);
    if (answer?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${url} within ${startTimeoutMs} ms: ${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { address: `${host}:${port}`, url, stop };
}
