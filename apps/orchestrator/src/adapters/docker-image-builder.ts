/**
 * ImageBuilder on the Docker Engine API: `POST /build` with an in-memory tar holding only the Dockerfile (what
 * `docker build -` does), following the build's JSON progress; a failing instruction arrives as an `error` message
 * in that stream (the HTTP answer itself is 200), and becomes IMAGE_BUILD_FAILED with the output's last lines.
 */
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import type { ImageBuilder, ImageRemoval, LabelledImage } from "../core/image-builder.js";
import { dockerFailure, isDockerConflict, isDockerNotFound } from "./docker-errors.js";

/** How many lines of build output an IMAGE_BUILD_FAILED error carries. */
export const buildLogTailLines = 100;

/** One message of the engine's build progress stream. */
interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

export class DockerImageBuilder implements ImageBuilder {
  readonly #docker: Docker;
  /** Builds in progress by tag: a retried request joins the running build instead of starting a second one. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(docker: Docker) {
    this.#docker = docker;
  }

  async imageId(ref: ImageRef): Promise<string | null> {
    try {
      return (await this.#docker.getImage(ref).inspect()).Id;
    } catch (error) {
      if (isDockerNotFound(error)) return null;
      throw dockerFailure(`inspect image ${ref}`, error);
    }
  }

  async listLabelled(labels: Readonly<Record<string, string>>): Promise<LabelledImage[]> {
    const label = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    let images: Docker.ImageInfo[];
    try {
      images = await this.#docker.listImages({ filters: { label } });
    } catch (error) {
      throw dockerFailure("list images", error);
    }
    return images.flatMap((image) =>
      (image.RepoTags ?? [])
        .filter((tag) => tag !== "<none>:<none>")
        .map((tag) => ({ ref: parseImageRef(tag), id: image.Id, labels: { ...(image.Labels ?? {}) } })),
    );
  }

  async remove(ref: ImageRef): Promise<ImageRemoval> {
    try {
      await this.#docker.getImage(ref).remove();
      return "removed";
    } catch (error) {
      if (isDockerNotFound(error)) return "absent";
      // 409: a container (a stopped task Swarm keeps in its history, too) still uses it
      if (isDockerConflict(error)) return "in_use";
      throw dockerFailure(`remove image ${ref}`, error);
    }
  }

  build(tag: ImageRef, dockerfile: string): Promise<void> {
    const running = this.#running.get(tag);
    if (running !== undefined) return running;
    const build = this.#build(tag, dockerfile).finally(() => this.#running.delete(tag));
    this.#running.set(tag, build);
    return build;
  }

  async #build(tag: ImageRef, dockerfile: string): Promise<void> {
    let progress: NodeJS.ReadableStream;
    try {
      // nocache: a build runs only when the recipe changed (the tag is its hash), and a cached `apt-get update`
      // layer from weeks ago would point at package versions the mirror no longer has.
      progress = await this.#docker.buildImage(await contextWithDockerfile(dockerfile), {
        t: tag,
        nocache: true,
        rm: true,
        forcerm: true,
      });
    } catch (error) {
      throw dockerFailure(`build image ${tag}`, error);
    }
    const messages = await new Promise<BuildMessage[]>((resolve, reject) => {
      this.#docker.modem.followProgress(progress, (error: Error | null, output: BuildMessage[]) =>
        error ? reject(dockerFailure(`build image ${tag}`, error)) : resolve(output),
      );
    });
    const failure = messages.find((message) => typeof message.error === "string");
    if (failure !== undefined) {
      const log = buildLog(messages);
      await this.#removeIntermediates(log);
      const reason = failure.errorDetail?.message ?? failure.error ?? "unknown error";
      throw new DirectorError("IMAGE_BUILD_FAILED", `The site's image could not be built: ${reason.trim()}`, {
        details: { log: log.slice(-buildLogTailLines) },
      });
    }
  }

  /**
   * A failed build leaves the layers of its successful steps as untagged images (`---> <id>` in the log); removing
   * the newest one prunes the older ones with it. Best effort: a leftover layer costs disk space, never correctness,
   * and must not hide the build's own failure.
   */
  async #removeIntermediates(log: readonly string[]): Promise<void> {
    const ids = log.flatMap((line) => /^ ---> ([0-9a-f]{12,64})$/.exec(line)?.[1] ?? []);
    const newest = ids.at(-1);
    if (newest === undefined) return;
    await this.#docker
      .getImage(newest)
      .remove()
      .catch(() => undefined);
  }
}

/** The build output as lines, the way `docker build` prints it (its `stream` texts, then the error). */
export function buildLog(messages: readonly BuildMessage[]): string[] {
  const text = messages
    .map((message) => message.stream ?? (message.error === undefined ? "" : `${message.error}\n`))
    .join("");
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "");
}

/** A tar archive whose only member is `Dockerfile`. */
async function contextWithDockerfile(dockerfile: string): Promise<NodeJS.ReadableStream> {
  const tar = pack();
  await new Promise<void>((resolve, reject) => {
    tar.entry({ name: "Dockerfile", mode: 0o644, mtime: new Date(0) }, dockerfile, (error) =>
      error ? reject(error) : resolve(),
    );
  });
  tar.finalize();
  // tar-stream's Pack is a streamx Readable: it streams like Node's, but its typings lack a few legacy methods.
  return tar as unknown as NodeJS.ReadableStream;
}
