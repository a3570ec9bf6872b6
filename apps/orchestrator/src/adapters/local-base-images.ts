/**
 * Small base images made on this machine, for machines with no registry access (and for tests): a root filesystem
 * tarball built in memory, imported with the Engine API's "import" (POST /images/create?fromSrc=-, what
 * `docker import -` does). The tag is derived from the tarball's bytes, so an unchanged input is never rebuilt.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import { runCommand } from "@director/host/run-command";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { dockerFailure, isDockerNotFound } from "./docker-errors.js";

/** The image name of the busybox base image; its tag is content-derived. */
export const busyboxBaseImageName = "director/base-busybox";
/** The tag that always names the newest busybox base image, so that image rows can refer to it (`director/base-busybox:latest`). */
export const stableBusyboxTag = "latest";
/** The label every Director base image carries, valued with its kind (`busybox`). */
export const baseImageLabel = "org.director.base";
/** Bump when the layout below changes: it is part of the hashed content, so the tag changes with it. */
const busyboxLayoutVersion = "1";

/** The unprivileged user site processes run as; its home is the site's own `/site/.home`. */
export const siteUser = { name: "site", uid: 1000, gid: 1000, home: "/site/.home" } as const;

/** Options for `ensureBusyboxBaseImage`. */
export interface BusyboxBaseImageOptions {
  /** Rebuild and retag even when the image exists. Default false. */
  isForced?: boolean;
  /** A statically linked busybox on the host. Default /bin/busybox (Debian's busybox-static). */
  busyboxPath?: string;
  /** The image name (repository) to tag; default `director/base-busybox`. Tests use their own, to remove it after. */
  imageName?: string;
}

/** One entry of the root filesystem tarball. */
type RootfsEntry =
  | { type: "directory"; name: string; mode: number }
  | { type: "file"; name: string; mode: number; content: Buffer }
  | { type: "symlink"; name: string; target: string };

/**
 * Makes `director/base-busybox:<content hash>` when it is missing (or when forced), tags it `:latest` as well (the
 * stable name image rows use), and returns the content-hashed reference.
 */
export async function ensureBusyboxBaseImage(docker: Docker, options: BusyboxBaseImageOptions = {}): Promise<ImageRef> {
  const busyboxPath = options.busyboxPath ?? "/bin/busybox";
  const entries = await busyboxRootfsEntries(busyboxPath);
  const tarball = await packRootfs(entries);
  const contentHash = createHash("sha256").update(busyboxLayoutVersion).update(tarball).digest("hex");
  const imageName = options.imageName ?? busyboxBaseImageName;
  const ref = parseImageRef(`${imageName}:${contentHash.slice(0, 16)}`);
  if (options.isForced || !(await imageExists(docker, ref))) {
    await importRootfs(docker, tarball, ref, [
      `LABEL ${baseImageLabel}=busybox`,
      "ENV PATH=/usr/local/bin:/usr/bin:/bin",
      `USER ${siteUser.uid}:${siteUser.gid}`,
      'CMD ["sh"]',
    ]);
  }
  await tagImage(docker, ref, parseImageRef(`${imageName}:${stableBusyboxTag}`));
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

/** The busybox root filesystem: the binary, one symlink per applet, users, and the directories a site task needs. */
async function busyboxRootfsEntries(busyboxPath: string): Promise<RootfsEntry[]> {
  const binary = await readFile(busyboxPath).catch((error: unknown) => {
    throw new DirectorError("CONFIG_INVALID", `Cannot read ${busyboxPath} (install busybox-static).`, { cause: error });
  });
  const listed = await runCommand([busyboxPath, "--list"], { timeoutMs: 10_000 });
  if (listed.exitCode !== 0) {
    throw new DirectorError("CONFIG_INVALID", `${busyboxPath} --list failed: ${listed.stderr.trim()}`);
  }
  // Every applet as /bin/<applet> → busybox: run.sh scripts may use any of them, and busybox dispatches on argv[0].
  const applets = [...new Set(listed.stdout.split("\n").map((line) => line.trim()))]
    .filter((applet) => /^[a-z0-9_.[-]+$/.test(applet) && applet !== "busybox")
    .sort();
  const passwd = [
    "root:x:0:0:root:/root:/bin/sh",
    `${siteUser.name}:x:${siteUser.uid}:${siteUser.gid}:site:${siteUser.home}:/bin/sh`,
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
  ];
  const group = ["root:x:0:", `${siteUser.name}:x:${siteUser.gid}:`, "nogroup:x:65534:"];
  return [
    ...["bin", "etc", "usr", "usr/bin", "site", "run", "proc", "sys", "dev", "var"].map((name) =>
      directory(name, 0o755),
    ),
    directory("root", 0o700),
    // Sticky and world-writable like any /tmp; the task mounts a tmpfs over it, a plain container uses this one.
    directory("tmp", 0o1777),
    directory("var/tmp", 0o1777),
    { type: "file", name: "bin/busybox", mode: 0o755, content: binary },
    ...applets.map((applet): RootfsEntry => ({ type: "symlink", name: `bin/${applet}`, target: "busybox" })),
    // `#!/usr/bin/env sh` is the usual first line of a run.sh.
    { type: "symlink", name: "usr/bin/env", target: "/bin/busybox" },
    { type: "file", name: "etc/passwd", mode: 0o644, content: Buffer.from(`${passwd.join("\n")}\n`) },
    { type: "file", name: "etc/group", mode: 0o644, content: Buffer.from(`${group.join("\n")}\n`) },
  ];
}

function directory(name: string, mode: number): RootfsEntry {
  return { type: "directory", name, mode };
}

/** Packs entries into one uncompressed tarball; fixed owner and mtime make the bytes (and so the tag) reproducible. */
async function packRootfs(entries: readonly RootfsEntry[]): Promise<Buffer> {
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
