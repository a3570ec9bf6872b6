/**
 * Images made on this machine from a root filesystem tarball, for machines with no registry access: the tarball is
 * built in memory and imported with the Engine API's "import" (POST /images/create?fromSrc=-, what `docker import -`
 * does). `ensureRootfsImage` tags it with a hash of its bytes, so an unchanged input is never imported again.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { dockerFailure, isDockerNotFound } from "./docker-errors.js";

/** One entry of a root filesystem tarball. */
export type RootfsEntry =
  | { type: "directory"; name: string; mode: number }
  | { type: "file"; name: string; mode: number; content: Buffer }
  | { type: "symlink"; name: string; target: string };

/** A directory entry. */
export function rootfsDirectory(name: string, mode: number): RootfsEntry {
  return { type: "directory", name, mode };
}

/**
 * Makes `<imageName>:<first 16 hex of the content hash>` from `entries` when the engine does not have it (or when
 * forced) and returns its reference. `layoutVersion` is hashed with the bytes: bump it when the Dockerfile `changes`
 * change, so that the tag changes with them.
 */
export async function ensureRootfsImage(
  docker: Docker,
  options: {
    imageName: string;
    layoutVersion: string;
    entries: readonly RootfsEntry[];
    changes: string[];
    isForced?: boolean;
  },
): Promise<ImageRef> {
  const tarball = await packRootfs(options.entries);
  const contentHash = createHash("sha256").update(options.layoutVersion).update(tarball).digest("hex");
  const ref = parseImageRef(`${options.imageName}:${contentHash.slice(0, 16)}`);
  if (options.isForced || !(await imageExists(docker, ref))) {
    await importRootfs(docker, tarball, ref, options.changes);
  }
  return ref;
}

/** Points `target` at the image `source` names (what `docker tag` does); moving an existing tag is fine. */
export async function tagImage(docker: Docker, source: ImageRef, target: ImageRef): Promise<void> {
  const separator = target.lastIndexOf(":");
  try {
    await docker.getImage(source).tag({ repo: target.slice(0, separator), tag: target.slice(separator + 1) });
  } catch (error) {
    throw dockerFailure(`tag image ${source} as ${target}`, error);
  }
}

/** Packs entries into one uncompressed tarball; fixed owner and mtime make the bytes (and so the tag) reproducible. */
export async function packRootfs(entries: readonly RootfsEntry[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  });
  const finished = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  const header = { uid: 0, gid: 0, uname: "root", gname: "root", mtime: new Date(0) };
  for (const entry of entries) {
    const name = path.posix.normalize(entry.name);
    if (entry.type === "directory") tar.entry({ ...header, name, type: "directory", mode: entry.mode });
    else if (entry.type === "symlink")
      tar.entry({ ...header, name, type: "symlink", linkname: entry.target, mode: 0o777 });
    else tar.entry({ ...header, name, type: "file", mode: entry.mode }, entry.content);
  }
  tar.finalize();
  await finished;
  return Buffer.concat(chunks);
}

/** True when the engine has an image by this reference. */
export async function imageExists(docker: Docker, ref: ImageRef): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (error) {
    if (isDockerNotFound(error)) return false;
    throw dockerFailure(`inspect image ${ref}`, error);
  }
}

/**
 * Imports a root filesystem tarball (bytes, or a stream of them) as `ref`, applying Dockerfile `changes` (the import
 * endpoint accepts LABEL, ENV, USER, CMD…).
 */
export async function importRootfs(
  docker: Docker,
  tarball: Buffer | NodeJS.ReadableStream,
  ref: ImageRef,
  changes: string[],
): Promise<void> {
  const separator = ref.lastIndexOf(":");
  const options = { repo: ref.slice(0, separator), tag: ref.slice(separator + 1), changes };
  let progress: NodeJS.ReadableStream;
  try {
    progress = await docker.importImage(Buffer.isBuffer(tarball) ? Readable.from([tarball]) : tarball, options);
  } catch (error) {
    throw dockerFailure(`import image ${ref}`, error);
  }
  // The endpoint answers 200 at once and streams JSON progress; a failure arrives as an `error` message in it.
  const messages = await new Promise<Array<{ error?: string }>>((resolve, reject) => {
    docker.modem.followProgress(progress, (error: Error | null, output: Array<{ error?: string }>) =>
      error ? reject(dockerFailure(`import image ${ref}`, error)) : resolve(output),
    );
  });
  const failure = messages.find((message) => typeof message.error === "string");
  if (failure !== undefined) {
    throw new DirectorError("DOCKER_REJECTED", `Docker could not import image ${ref}: ${failure.error}`);
  }
}
