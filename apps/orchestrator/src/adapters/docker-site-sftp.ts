/**
 * sftp sessions on the Docker engine: one container per session (sftp-container-spec.ts) from the sftp image
 * (sftp-image.ts, made at the first session), its standard streams attached before it starts, removed when the
 * session ends. Each site account's passwd file is written here, in the orchestrator's own state directory (never in
 * a site's), root's, and mounted read-only.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Duplex } from "node:stream";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import { writeFileAtomic } from "@director/host/atomic-write";
import type Docker from "dockerode";
import type { Logger } from "pino";
import type { SiteServiceSpec } from "../core/service-runtime.js";
import type { SftpRuntime, TerminalOutput, TerminalSession } from "../core/site-terminals.js";
import type { SiteUser } from "../core/site-user.js";
import { dockerFailure, isDockerConflict, isDockerNotFound } from "./docker-errors.js";
import { demuxDockerStream } from "./docker-stream-demux.js";
import { renderSftpContainer, renderSftpPasswd, sftpSiteLabel } from "./sftp-container-spec.js";
import { ensureSftpImage } from "./sftp-image.js";
import { installationFilter } from "./swarm-service-spec.js";

/** How long `exitCode` waits for the engine to record sftp-server's exit after its output ended. */
const exitRecordWaitMs = 2_000;

export interface DockerSiteSftpSettings {
  installationId: InstallationId;
  /** Where the per-account passwd files are kept: `<orchestrator state dir>/sftp-passwd` */
  passwdDir: string;
  log: Logger;
  /** The image to run; default the sftp image, made from the host's sftp-server at the first session */
  image?: () => Promise<ImageRef>;
}

export class DockerSiteSftp implements SftpRuntime {
  readonly #docker: Docker;
  readonly #settings: DockerSiteSftpSettings;
  #image: Promise<ImageRef> | null = null;

  constructor(docker: Docker, settings: DockerSiteSftpSettings) {
    this.#docker = docker;
    this.#settings = settings;
  }

  async startSftp(spec: SiteServiceSpec): Promise<TerminalSession> {
    const image = await this.#sftpImage();
    const passwdFile = await this.#passwdFileOf(spec.user);
    const sessionId = randomBytes(8).toString("hex");
    const options = renderSftpContainer(spec, {
      installationId: this.#settings.installationId,
      image,
      passwdFile,
      sessionId,
    });
    let container: Docker.Container;
    try {
      container = await this.#docker.createContainer(options);
    } catch (error) {
      throw dockerFailure(`create the sftp container ${options.name}`, error);
    }
    try {
      // Attached before it starts, so that nothing sftp-server writes at once is lost.
      const stream = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as Duplex;
      await container.start();
      return new DockerSftpSession(container, stream, this.#settings.log);
    } catch (error) {
      await removeContainer(container, this.#settings.log);
      throw dockerFailure(`start the sftp container ${options.name}`, error);
    }
  }

  async removeAllSessions(): Promise<void> {
    let containers: Docker.ContainerInfo[];
    try {
      containers = await this.#docker.listContainers({
        all: true,
        filters: { label: [sftpSiteLabel, installationFilter(this.#settings.installationId)] },
      });
    } catch (error) {
      throw dockerFailure("list the sftp containers", error);
    }
    await Promise.all(
      containers.map((info) => removeContainer(this.#docker.getContainer(info.Id), this.#settings.log)),
    );
  }

  /** The image, made once; a failure is not kept, so the next session tries again (after openssh-sftp-server is installed). */
  #sftpImage(): Promise<ImageRef> {
    this.#image ??= (this.#settings.image?.() ?? ensureSftpImage(this.#docker)).catch((error: unknown) => {
      this.#image = null;
      throw error;
    });
    return this.#image;
  }

  /** `<passwdDir>/<uid>`, written when missing or different (atomically: a session starting meanwhile reads either). */
  async #passwdFileOf(user: SiteUser): Promise<string> {
    const file = path.join(this.#settings.passwdDir, String(user.uid));
    const content = renderSftpPasswd(user);
    const current = await readFile(file, "utf8").catch(() => null);
    if (current !== content) {
      await mkdir(this.#settings.passwdDir, { recursive: true, mode: 0o700 });
      // Readable by all: the site's account reads it inside the container (the directory keeps it from the host's).
      await writeFileAtomic(file, content, { mode: 0o644 });
    }
    return file;
  }
}

/** Removes a container and what it holds; gone already or being removed is fine; another failure is logged. */
async function removeContainer(container: Docker.Container, log: Logger): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if (isDockerNotFound(error) || isDockerConflict(error)) return;
    // The next start removes it (removeLeftovers); the session is over either way.
    log.warn({ err: error, container: container.id }, "could not remove an sftp container");
  }
}

class DockerSftpSession implements TerminalSession {
  readonly output: AsyncIterable<TerminalOutput>;
  readonly #container: Docker.Container;
  readonly #stream: Duplex;
  readonly #log: Logger;
  #ended: Promise<void> | null = null;
  #isStopped = false;

  constructor(container: Docker.Container, stream: Duplex, log: Logger) {
    this.#container = container;
    this.#stream = stream;
    this.#log = log;
    // An error on the connection (the engine went away) ends the output; it must not crash the process.
    stream.on("error", () => undefined);
    this.output = demuxDockerStream(stream as AsyncIterable<Buffer>);
  }

  write(bytes: Buffer): void {
    if (!this.#stream.destroyed && this.#stream.writable) this.#stream.write(bytes);
  }

  closeInput(): void {
    // Half-closes the attached connection: with StdinOnce the engine closes sftp-server's stdin, and it exits.
    if (!this.#stream.destroyed && this.#stream.writable) this.#stream.end();
  }

  async resize(): Promise<void> {
    // No terminal.
  }

  end(): Promise<void> {
    this.#ended ??= this.#stop();
    return this.#ended;
  }

  async exitCode(): Promise<number | null> {
    if (this.#isStopped) return null;
    const deadline = Date.now() + exitRecordWaitMs;
    for (;;) {
      try {
        const { State } = await this.#container.inspect();
        if (!State.Running) return State.ExitCode;
      } catch {
        return null; // removed meanwhile (the site's files went): no status to give
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #stop(): Promise<void> {
    this.#isStopped = true;
    this.#stream.destroy();
    await removeContainer(this.#container, this.#log);
  }
}
