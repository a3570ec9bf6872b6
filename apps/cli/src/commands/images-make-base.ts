import type { ImageRef } from "@director/domain/image-ref";
import { ensureBusyboxBaseImage, ensureDebianBaseImage, stableBusyboxTag } from "@director/orchestrator";
import Docker from "dockerode";

/** The base images `director images make-base` knows how to make without a registry. */
export const baseImageKinds = ["debian", "busybox"] as const;
export type BaseImageKind = (typeof baseImageKinds)[number];

export function isBaseImageKind(value: string | undefined): value is BaseImageKind {
  return (baseImageKinds as readonly (string | undefined)[]).includes(value);
}

/**
 * `director images make-base debian|busybox [--force]`: makes a base image on the Docker engine at `socketPath`
 * (debootstrap for Debian, ~40 s; the host's busybox-static for busybox), kept under a stable tag that image rows
 * name as their parent: `director/base-debian:bookworm`, `director/base-busybox:latest`.
 */
export async function makeBaseImage(
  kind: BaseImageKind,
  options: { socketPath: string; isForced: boolean },
): Promise<ImageRef> {
  const docker = new Docker({ socketPath: options.socketPath });
  if (kind === "debian") return ensureDebianBaseImage(docker, { isForced: options.isForced });
  const ref = await ensureBusyboxBaseImage(docker, { isForced: options.isForced });
  return `${ref.slice(0, ref.lastIndexOf(":"))}:${stableBusyboxTag}` as ImageRef;
}
