/**
 * The port that makes an image reachable from every node of the swarm; implemented by
 * adapters/registry-image-distribution.ts (a registry). Without one (one node), images stay local references.
 */
import type { Brand } from "@director/domain/brand";
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";

/** Turns an image of this engine into the reference a service anywhere in the swarm runs. */
export interface ImageDistribution {
  /**
   * The reference every node can pull: with a registry, the image pushed there and pinned by its digest
   * (`registry/path@sha256:…`, which names exactly these bytes on every node); without one, `ref` itself.
   */
  distribute(ref: ImageRef): Promise<ImageRef>;
}

/** `image` as services run it: pushed and pinned by digest when there is a distribution (a registry). */
export function distributed(
  image: () => Promise<ImageRef>,
  distribution: ImageDistribution | undefined,
): () => Promise<ImageRef> {
  return distribution === undefined ? image : async () => distribution.distribute(await image());
}

/** A registry's `host[:port]` as image references name it (checked: it reaches a Docker image reference). */
export type RegistryAddress = Brand<string, "RegistryAddress">;

const registryAddressPattern =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]{1,5})?$/;

/**
 * Parses `host[:port]` (no scheme, no path). Docker decides by the host whether it speaks HTTPS: a registry on
 * 127.0.0.0/8 may be plain HTTP, any other must be HTTPS or listed in the daemon's `insecure-registries`.
 */
export function parseRegistryAddress(value: string): RegistryAddress {
  const port = /:(\d+)$/.exec(value)?.[1];
  if (!registryAddressPattern.test(value) || (port !== undefined && (Number(port) < 1 || Number(port) > 65_535))) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      "A registry is host[:port], with no scheme or path (for example registry.school.internal:5000).",
    );
  }
  return value as RegistryAddress;
}

/**
 * The repository `ref` has in `registry`: its path without the registry it may already name, tag or digest
 * (`director/base-busybox:latest` → `registry/director/base-busybox`).
 */
export function repositoryIn(registry: RegistryAddress, ref: ImageRef): string {
  const withoutDigest = ref.split("@")[0] ?? ref;
  const components = withoutDigest.split("/");
  // As Docker reads a reference: a first component with a '.' or ':' (or `localhost`) is a registry, not a path.
  const first = components[0] ?? "";
  if (components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    components.shift();
  }
  const last = components.pop() ?? "";
  components.push(last.split(":")[0] ?? last);
  return `${registry}/${components.join("/")}`;
}

/** The tag `ref` carries (`latest` when it names none), which the pushed copy keeps. */
export function tagOf(ref: ImageRef): string {
  const withoutDigest = ref.split("@")[0] ?? ref;
  const last = withoutDigest.split("/").at(-1) ?? "";
  return last.includes(":") ? (last.split(":")[1] ?? "latest") : "latest";
}
