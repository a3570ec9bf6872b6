/**
 * ImageDistribution through a registry (Docker's distribution, as Debian's `docker-registry` serves it): the image is
 * tagged into the registry's namespace, pushed through the Engine API (`POST /images/{name}/push`), and named by the
 * manifest digest the push reports. A service created with that digest runs exactly these bytes on whichever node
 * Swarm places it; a node that lacks them pulls them, and a tag moved later changes nothing that runs.
 */
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import type Docker from "dockerode";
import { type ImageDistribution, type RegistryAddress, repositoryIn, tagOf } from "../core/image-distribution.js";
import { dockerFailure } from "./docker-errors.js";

/** One message of the engine's push progress stream. */
interface PushMessage {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

export class RegistryImageDistribution implements ImageDistribution {
  readonly #docker: Docker;
  readonly #registry: RegistryAddress;
  /**
   * Pushes by local image and reference: a second call for an image already pushed by this process answers at once
   * (a push of unchanged layers still costs a round trip per layer), and concurrent calls share one push.
   */
  readonly #pushed = new Map<string, Promise<ImageRef>>();

  constructor(docker: Docker, registry: RegistryAddress) {
    this.#docker = docker;
    this.#registry = registry;
  }

  async distribute(ref: ImageRef): Promise<ImageRef> {
    const repository = repositoryIn(this.#registry, ref);
    // Already pinned in this registry: nothing to push.
    if (ref.startsWith(`${repository}@sha256:`)) return ref;
    let imageId: string;
    try {
      imageId = (await this.#docker.getImage(ref).inspect()).Id;
    } catch (error) {
      throw dockerFailure(`inspect image ${ref} before pushing it to ${this.#registry}`, error);
    }
    const key = `${ref}\n${imageId}`;
    const known = this.#pushed.get(key);
    if (known !== undefined) return known;
    const push = this.#push(ref, repository).catch((error: unknown) => {
      this.#pushed.delete(key); // a failed push is tried again by the next call, not remembered
      throw error;
    });
    this.#pushed.set(key, push);
    return push;
  }

  async #push(ref: ImageRef, repository: string): Promise<ImageRef> {
    const tag = tagOf(ref);
    try {
      await this.#docker.getImage(ref).tag({ repo: repository, tag });
    } catch (error) {
      throw dockerFailure(`tag image ${ref} as ${repository}:${tag}`, error);
    }
    let progress: NodeJS.ReadableStream;
    try {
      // The engine insists on an X-Registry-Auth header even for a registry without accounts: `{}` is "no account".
      progress = await this.#docker.getImage(repository).push({ tag, authconfig: {} });
    } catch (error) {
      throw unavailable(`${repository}:${tag}`, error instanceof Error ? error.message : String(error), error);
    }
    const messages = await new Promise<PushMessage[]>((resolve, reject) => {
      this.#docker.modem.followProgress(progress, (error: Error | null, output: PushMessage[]) =>
        error ? reject(unavailable(`${repository}:${tag}`, error.message, error)) : resolve(output),
      );
    });
    const failure = messages.find((message) => typeof message.error === "string");
    if (failure !== undefined) {
      throw unavailable(`${repository}:${tag}`, failure.errorDetail?.message ?? failure.error ?? "unknown error");
    }
    const digest = messages.find((message) => message.aux?.Digest !== undefined)?.aux?.Digest;
    if (digest === undefined || !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw new DirectorError(
        "DOCKER_REJECTED",
        `Docker pushed ${repository}:${tag} but did not report the digest of what it pushed.`,
      );
    }
    return parseImageRef(`${repository}@${digest}`);
  }
}

function unavailable(target: string, reason: string, cause?: unknown): DirectorError {
  return new DirectorError(
    "REGISTRY_UNAVAILABLE",
    `Could not push ${target} to the image registry: ${reason.trim()}. Check that the registry (DIRECTOR_REGISTRY) answers and that this Docker engine may push to it.`,
    { cause },
  );
}
