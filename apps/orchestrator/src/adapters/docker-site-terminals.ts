/**
 * Terminal environments on the Docker engine: one container per site (terminal-container-spec.ts), and each shell a
 * `docker exec` with a TTY in it, as the site's account, in /site.
 *
 * Docker does not end an exec'd process when its connection closes (the shell would live on, unseen, until the
 * container goes), so each shell writes its PID (in the container's namespace) to a file named after the session in
 * the container's /tmp, and hanging up runs `kill` in the container, as the site's account: whatever the site's code
 * does to that file, the kill can reach only the site's own processes.
 */
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import type { TerminalRuntime, TerminalShell, TerminalSize } from "../core/site-terminals.js";
import { dockerFailure, isDockerConflict, isDockerNotFound } from "./docker-errors.js";
import { installationFilter, type SwarmSiteSettings } from "./swarm-service-spec.js";
import {
  renderTerminalContainer,
  terminalContainerNameOf,
  terminalSiteLabel,
  terminalSpecLabel,
} from "./terminal-container-spec.js";

/**
 * The shell: bash when the image has it, else sh. `$1` is the PID file: written before the `exec`, so the PID is the
 * shell's. The file is in /tmp, a tmpfs of the container, never on the site's disk.
 */
const shellScript = 'echo "$$" > "$1"; if [ -x /bin/bash ]; then exec /bin/bash; fi; exec /bin/sh';
/** The hang-up: SIGHUP (a shell passes it to its jobs), then SIGKILL a second later if it is still there. */
const hangUpScript =
  'p=$(cat "$1" 2>/dev/null) || exit 0; rm -f "$1"; kill -HUP "$p" 2>/dev/null || exit 0; sleep 1; kill -KILL "$p" 2>/dev/null; exit 0';
/** How long `exitCode` waits for the engine to record a shell's exit after its output ended. */
const exitRecordWaitMs = 2_000;

export class DockerSiteTerminals implements TerminalRuntime {
  readonly #docker: Docker;
  readonly #settings: Parameters<typeof renderTerminalContainer>[1];

  constructor(docker: Docker, settings: Parameters<typeof renderTerminalContainer>[1] & Partial<SwarmSiteSettings>) {
    this.#docker = docker;
    this.#settings = settings;
  }

  async ensureEnvironment(spec: SiteServiceSpec, options: { keepOlder: boolean }): Promise<void> {
    const wanted = renderTerminalContainer(spec, this.#settings);
    const name = wanted.name as string;
    const existing = await this.#inspect(name);
    if (existing !== null) {
      const isCurrent = existing.Config.Labels?.[terminalSpecLabel] === wanted.Labels?.[terminalSpecLabel];
      if (existing.State.Running && (isCurrent || options.keepOlder)) return;
      await this.#remove(name);
    }
    try {
      const container = await this.#docker.createContainer(wanted);
      await container.start();
    } catch (error) {
      // Two orchestrator requests never race here (SiteTerminals holds a lock per site); another process might.
      if (isDockerConflict(error)) throw dockerFailure(`create ${name}: it exists already, try again`, error);
      throw dockerFailure(`start the terminal container ${name} (image ${spec.image})`, error);
    }
  }

  async startShell(spec: SiteServiceSpec, size: TerminalSize): Promise<TerminalShell> {
    const name = terminalContainerNameOf(this.#settings.installationId, spec.siteId);
    const container = this.#docker.getContainer(name);
    const user = `${spec.user.uid}:${spec.user.gid}`;
    const pidFile = `/tmp/.director-terminal-${randomBytes(12).toString("hex")}.pid`;
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await container.exec({
        Cmd: ["/bin/sh", "-c", shellScript, "sh", pidFile],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        User: user,
        WorkingDir: "/site",
        Env: ["TERM=xterm-256color", "COLORTERM=truecolor"],
      });
      stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    } catch (error) {
      throw dockerFailure(`start a shell in ${name}`, error);
    }
    const shell = new DockerShell(container, exec, stream, user, pidFile);
    await shell.resize(size).catch(() => undefined); // a shell that ended at once has nothing to resize
    return shell;
  }

  async removeEnvironment(id: SiteId): Promise<void> {
    await this.#remove(terminalContainerNameOf(this.#settings.installationId, id));
  }

  async removeAllEnvironments(): Promise<void> {
    const containers = await listTerminalContainers(this.#docker, this.#settings.installationId);
    await Promise.all(containers.map((container) => this.#remove(container.Id)));
  }

  async #inspect(name: string): Promise<Docker.ContainerInspectInfo | null> {
    try {
      return await this.#docker.getContainer(name).inspect();
    } catch (error) {
      if (isDockerNotFound(error)) return null;
      throw dockerFailure(`inspect the terminal container ${name}`, error);
    }
  }

  async #remove(nameOrId: string): Promise<void> {
    try {
      // force: its shells are killed with it; v: nothing of it is left behind.
      await this.#docker.getContainer(nameOrId).remove({ force: true, v: true });
    } catch (error) {
      // 409: a removal already in progress (another request, or the engine's own) finishes the job.
      if (isDockerNotFound(error) || isDockerConflict(error)) return;
      throw dockerFailure(`remove the terminal container ${nameOrId}`, error);
    }
  }
}

/** This installation's terminal containers, running or not. */
export async function listTerminalContainers(
  docker: Docker,
  installationId: InstallationId,
): Promise<Docker.ContainerInfo[]> {
  try {
    return await docker.listContainers({
      all: true,
      filters: { label: [terminalSiteLabel, installationFilter(installationId)] },
    });
  } catch (error) {
    throw dockerFailure("list the terminal containers", error);
  }
}

class DockerShell implements TerminalShell {
  readonly output: AsyncIterable<Buffer>;
  readonly #container: Docker.Container;
  readonly #exec: Docker.Exec;
  readonly #stream: Duplex;
  readonly #user: string;
  readonly #pidFile: string;
  #ended: Promise<void> | null = null;
  #isHungUp = false;

  constructor(container: Docker.Container, exec: Docker.Exec, stream: Duplex, user: string, pidFile: string) {
    this.#container = container;
    this.#exec = exec;
    this.#stream = stream;
    this.#user = user;
    this.#pidFile = pidFile;
    // An error on the connection (the engine went away) ends the output; it must not crash the process.
    stream.on("error", () => undefined);
    this.output = stream as AsyncIterable<Buffer>;
  }

  write(bytes: Buffer): void {
    if (!this.#stream.destroyed) this.#stream.write(bytes);
  }

  async resize(size: TerminalSize): Promise<void> {
    try {
      await this.#exec.resize({ h: size.rows, w: size.cols });
    } catch (error) {
      throw dockerFailure("resize the terminal", error);
    }
  }

  end(): Promise<void> {
    this.#ended ??= this.#hangUp();
    return this.#ended;
  }

  async exitCode(): Promise<number | null> {
    if (this.#isHungUp) return null;
    const deadline = Date.now() + exitRecordWaitMs;
    for (;;) {
      try {
        const info = await this.#exec.inspect();
        if (!info.Running) return typeof info.ExitCode === "number" ? info.ExitCode : null;
      } catch {
        return null; // the container is gone: no status to give
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #hangUp(): Promise<void> {
    this.#stream.destroy();
    let isRunning = false;
    try {
      isRunning = (await this.#exec.inspect()).Running;
    } catch {
      return; // the container is gone, and the shell with it
    }
    if (!isRunning) return;
    this.#isHungUp = true;
    try {
      const kill = await this.#container.exec({
        Cmd: ["/bin/sh", "-c", hangUpScript, "sh", this.#pidFile],
        User: this.#user,
        AttachStdout: false,
        AttachStderr: false,
      });
      await kill.start({ Detach: true });
    } catch {
      // The container went meanwhile (removed with its last shell, or by a site's deletion): nothing is left to end.
    }
  }
}
