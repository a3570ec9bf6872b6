import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseMountInfo } from "@director/host/nosuid-mount";
import { runCommand } from "@director/host/run-command";
import {
  attachedLoopDevices,
  bridgeInterfaceOf,
  removeDockerTestObjects,
  removeSiteFirewall,
  removeSiteNetworkAnchor,
  terminalSiteLabel,
} from "@director/orchestrator";
import { freePort } from "@director/testing/free-port";
import Docker from "dockerode";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const directorBin = path.join(repoRoot, "director");

export interface DirectorPorts {
  manager: number;
  sites: number;
  orchestrator: number;
  router: number;
  postgres: number;
  balancer: number;
  ssh: number;
}

/** A `director up` child process on free ports with its own data directory. */
export class DirectorProcess {
  readonly dataDir: string;
  readonly ports: DirectorPorts;
  readonly env: NodeJS.ProcessEnv;
  #child: ChildProcess | undefined;
  #output = "";

  private constructor(dataDir: string, ports: DirectorPorts, extraEnv: NodeJS.ProcessEnv) {
    this.dataDir = dataDir;
    this.ports = ports;
    this.env = {
      ...process.env,
      DIRECTOR_DATA_DIR: dataDir,
      DIRECTOR_MANAGER_PORT: String(ports.manager),
      DIRECTOR_SITES_PORT: String(ports.sites),
      DIRECTOR_ORCHESTRATOR_PORT: String(ports.orchestrator),
      DIRECTOR_ROUTER_PORT: String(ports.router),
      DIRECTOR_EMBEDDED_PG_PORT: String(ports.postgres),
      DIRECTOR_BALANCER_PORT: String(ports.balancer),
      DIRECTOR_SHELL_PORT: String(ports.ssh),
      DATABASE_URL: "",
      ...extraEnv,
    };
  }

  /** A fresh data directory (world-traversable, as nginx workers and the postgres user need) and free ports. */
  static async create(extraEnv: NodeJS.ProcessEnv = {}): Promise<DirectorProcess> {
    const dataDir = await mkdtemp(path.join(tmpdir(), "director-e2e-"));
    await chmod(dataDir, 0o755);
    const ports: DirectorPorts = {
      manager: await freePort(),
      sites: await freePort(),
      orchestrator: await freePort(),
      router: await freePort(),
      postgres: await freePort(),
      balancer: await freePort(),
      ssh: await freePort(),
    };
    return new DirectorProcess(dataDir, ports, extraEnv);
  }

  get managerUrl(): string {
    return `http://127.0.0.1:${this.ports.manager}`;
  }

  get sitesUrl(): string {
    return `http://127.0.0.1:${this.ports.sites}`;
  }

  /** The `director up` process (node, after the launcher's exec), while it runs. */
  get pid(): number | undefined {
    return this.#child?.exitCode === null ? this.#child.pid : undefined;
  }

  get output(): string {
    return this.#output;
  }

  /** Starts `director up` and resolves once it says it is running. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.#output = ""; // a restart must not see the previous run's "running" line
    const child = spawn(directorBin, ["up"], { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    child.stdout?.on("data", (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.#output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`director up did not start:\n${this.#output}`)), timeoutMs);
      const check = () => {
        if (this.#output.includes("Director is running")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`director up exited with ${code}:\n${this.#output}`));
      });
    });
  }

  /** Ctrl-C, as a person would; resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGINT", timeoutMs = 30_000): Promise<number | null> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  /** The installation id `director up` made on its first start (in secrets.json), or null before that. */
  async installationId(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.dataDir, "secrets.json"), "utf8");
    } catch (error) {
      // never started: no secrets, and nothing on the Docker engine either
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    return JSON.parse(text).installationId ?? null;
  }

  /**
   * Removes what this installation left on the machine: its services, site network and firewall chains on the
   * Docker engine, and the sites directory's nosuid mount if a killed process could not release it.
   */
  async removeDockerObjects(): Promise<void> {
    const id = await this.installationId();
    if (id !== null) await removeInstallationDockerObjects(id);
    await unmountBelow(this.dataDir);
    await detachLoopDevicesBelow(this.dataDir);
  }

  /**
   * Everything a test's installation leaves, gone: the process stopped, its Docker objects and mounts removed, and
   * its data directory deleted, even when a step before failed.
   */
  async dispose(): Promise<void> {
    try {
      await this.stop();
      await this.removeDockerObjects();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  /** Runs another `director` command against this installation; `stdin` is written to it. */
  async run(args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(directorBin, args, { env: this.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // a command that fails before reading its input answers with its exit code, not an EPIPE here
    child.stdin.on("error", () => {});
    child.stdin.end(stdin);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
    return { code, stdout, stderr };
  }
}

/**
 * Removes an installation's services (found by its label), its terminal containers (a `director up` that was killed
 * could not), the container that anchors its sites network, its default site network and firewall chains.
 */
export async function removeInstallationDockerObjects(installationId: string): Promise<void> {
  const docker = new Docker();
  const terminals = await docker.listContainers({
    all: true,
    filters: { label: [terminalSiteLabel, `org.director.installation=${installationId}`] },
  });
  for (const container of terminals) {
    await docker
      .getContainer(container.Id)
      .remove({ force: true, v: true })
      .catch((error: { statusCode?: number }) => {
        // 404: gone meanwhile; 409: its removal is under way already
        if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
      });
  }
  // The idle container that keeps the sites network's gateway up for the site PostgreSQL holds the network too.
  await removeSiteNetworkAnchor(docker, installationId as never);
  const networkName = `director-${installationId}-sites`;
  const network = (await docker.listNetworks({ filters: { name: [networkName] } })).find(
    (candidate) => candidate.Name === networkName,
  );
  if (network !== undefined) await removeSiteFirewall(installationId as never, bridgeInterfaceOf(network.Id));
  const services = await docker.listServices({ filters: { label: [`org.director.installation=${installationId}`] } });
  await removeDockerTestObjects(docker, {
    serviceNames: services.map((service) => service.Spec?.Name ?? "").filter(Boolean),
    networkName,
  });
}

/**
 * Detaches the loop devices of site volumes under `dir` (director up leaves them mounted when it stops, on purpose);
 * a device still held is detached by the kernel once it is free.
 */
export async function detachLoopDevicesBelow(dir: string): Promise<void> {
  for (const [backingFile, device] of await attachedLoopDevices()) {
    if (backingFile.startsWith(`${dir}/`)) await runCommand(["losetup", "--detach", device], { timeoutMs: 15_000 });
  }
}

/** Unmounts (lazily) every mount at or below `dir`, deepest first: what a killed `director up` left mounted. */
export async function unmountBelow(dir: string): Promise<void> {
  const points = parseMountInfo(await readFile("/proc/self/mountinfo", "utf8"))
    .map((entry) => entry.mountPoint)
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await runCommand(["umount", "-l", point], { timeoutMs: 15_000 });
}
