/**
 * Terminal environments on the Docker engine: one container per site (terminal-container-spec.ts), and each shell or
 * command a `docker exec` in it, as the site's account, in /site, with a TTY or without (then stdout and stderr come
 * multiplexed, docker-stream-demux.ts).
 *
 * Docker does not end an exec'd process when its connection closes (the program would live on, unseen, until the
 * container goes), so each program writes its PID (in the container's namespace) to a file named after the session in
 * the container's /tmp, and hanging up runs `kill` in the container, as the site's account: whatever the site's code
 * does to that file, the kill can reach only the site's own processes.
 */
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import type {
  EnvironmentProgram,
  TerminalOutput,
  TerminalRuntime,
  TerminalSession,
  TerminalSize,
} from "../core/site-terminals.js";
import { dockerFailure, isDockerConflict, isDockerNotFound } from "./docker-errors.js";
import { demuxDockerStream, terminalOutputOf } from "./docker-stream-demux.js";
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
/** A command (`ssh host 'command'`): `$2`, given to the site's `sh -c` as an argument, never spliced into a script. */
const commandScript = 'echo "$$" > "$1"; exec /bin/sh -c "$2"';
/**
 * The same with a TTY, sized first: the engine's resize comes after the start (Engine API 1.41 has no size at exec
 * start), too late for a command that asks at once (`stty size`, an editor). sshd sizes the pty before it starts the
 * command too. Without `stty` in the image, the resize that follows does it.
 */
const ttyCommandScript = 'echo "$$" > "$1"; stty rows "$3" cols "$4" 2>/dev/null; exec /bin/sh -c "$2"';
/**
 * The hang-up: SIGHUP (a shell passes it to its jobs), then SIGKILL a second later if it is still there. An exec'd
 * program leads its own process group (runc makes it a session leader, with a TTY or not), so the signals go to the
 * group (`kill -SIG -PGID`, understood by busybox, dash and bash): a command's children (`sh -c 'a; b'` forks) go with
 * it. The PID alone when the group is gone.
 */
const hangUpScript =
  'p=$(cat "$1" 2>/dev/null) || exit 0; rm -f "$1"; kill -HUP -"$p" 2>/dev/null || kill -HUP "$p" 2>/dev/null || exit 0; ' +
  'sleep 1; kill -KILL -"$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; exit 0';
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

  async startProgram(
    spec: SiteServiceSpec,
    program: EnvironmentProgram,
    options: { hasTty: boolean; size: TerminalSize },
  ): Promise<TerminalSession> {
    const name = terminalContainerNameOf(this.#settings.installationId, spec.siteId);
    const container = this.#docker.getContainer(name);
    const user = `${spec.user.uid}:${spec.user.gid}`;
    const pidFile = `/tmp/.director-terminal-${randomBytes(12).toString("hex")}.pid`;
    const { hasTty } = options;
    const cmd =
      program.kind === "shell"
        ? ["/bin/sh", "-c", shellScript, "sh", pidFile]
        : hasTty
          ? ["/bin/sh", "-c", ttyCommandScript, "sh", pidFile, program.command, ...sizeArgs(options.size)]
          : ["/bin/sh", "-c", commandScript, "sh", pidFile, program.command];
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await container.exec({
        Cmd: cmd,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: hasTty,
        User: user,
        WorkingDir: "/site",
        // As sshd: a terminal type only with a terminal.
        Env: hasTty ? ["TERM=xterm-256color", "COLORTERM=truecolor"] : [],
      });
      stream = (await exec.start({ hijack: true, stdin: true, Tty: hasTty })) as Duplex;
    } catch (error) {
      throw dockerFailure(`start a ${program.kind} in ${name}`, error);
    }
    const session = new DockerExecSession({ container, exec, stream, user, pidFile, hasTty });
    await session.resize(options.size).catch(() => undefined); // a program that ended at once has nothing to resize
    return session;
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

/** Rows and columns as `stty` takes them (numbers the contract bounds). */
function sizeArgs(size: TerminalSize): [string, string] {
  return [String(Math.trunc(size.rows)), String(Math.trunc(size.cols))];
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

class DockerExecSession implements TerminalSession {
  readonly output: AsyncIterable<TerminalOutput>;
  readonly #container: Docker.Container;
  readonly #exec: Docker.Exec;
  readonly #stream: Duplex;
  readonly #user: string;
  readonly #pidFile: string;
  readonly #hasTty: boolean;
  #ended: Promise<void> | null = null;
  #isHungUp = false;

  constructor(parts: {
    container: Docker.Container;
    exec: Docker.Exec;
    stream: Duplex;
    user: string;
    pidFile: string;
    hasTty: boolean;
  }) {
    this.#container = parts.container;
    this.#exec = parts.exec;
    this.#stream = parts.stream;
    this.#user = parts.user;
    this.#pidFile = parts.pidFile;
    this.#hasTty = parts.hasTty;
    // An error on the connection (the engine went away) ends the output; it must not crash the process.
    parts.stream.on("error", () => undefined);
    const bytes = parts.stream as AsyncIterable<Buffer>;
    this.output = parts.hasTty ? terminalOutputOf(bytes) : demuxDockerStream(bytes);
  }

  write(bytes: Buffer): void {
    if (!this.#stream.destroyed && this.#stream.writable) this.#stream.write(bytes);
  }

  closeInput(): void {
    // Half-closes the hijacked connection: the engine then closes the program's stdin (and goes on sending output).
    if (!this.#stream.destroyed && this.#stream.writable) this.#stream.end();
  }

  async resize(size: TerminalSize): Promise<void> {
    if (!this.#hasTty) return;
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
