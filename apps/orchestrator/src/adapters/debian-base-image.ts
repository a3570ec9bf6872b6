/**
 * A real Debian base image made on this machine, for machines with no registry access: `debootstrap --variant=minbase`
 * into a temporary directory, the site user added, then the tree streamed by `tar` into the Engine API's import (what
 * `tar -C DIR -c . | docker import -` does). Slow (~40 s, ~200 MB from the Debian mirror), so it is made once and kept
 * under a fixed tag; `isForced` remakes it (to pick up security updates, say).
 */
import { spawn } from "node:child_process";
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import { RunCommandError, runCommand } from "@director/host/run-command";
import type Docker from "dockerode";
import { baseImageLabel, siteUser } from "./local-base-images.js";
import { imageExists, importRootfs } from "./rootfs-images.js";

/** The image name of the Debian base image; its tag is the Debian suite (`director/base-debian:bookworm`). */
export const debianBaseImageName = "director/base-debian";

/** Options for `ensureDebianBaseImage`. */
export interface DebianBaseImageOptions {
  /** Remake and retag even when the image exists. Default false. */
  isForced?: boolean;
  /** The Debian suite, also the tag. Default `bookworm` (Debian 12). */
  suite?: string;
  /** The Debian mirror debootstrap downloads from. Default http://deb.debian.org/debian */
  mirror?: string;
  /** The image name (repository) to tag; default `director/base-debian`. */
  imageName?: string;
  /** The debootstrap program. Default /usr/sbin/debootstrap (Debian's `debootstrap` package). */
  debootstrapPath?: string;
  /** debootstrap's time limit. Default 15 minutes. */
  timeoutMs?: number;
}

const suitePattern = /^[a-z][a-z0-9-]{1,31}$/;

/** Makes `director/base-debian:<suite>` when it is missing (or when forced) and returns its reference. */
export async function ensureDebianBaseImage(docker: Docker, options: DebianBaseImageOptions = {}): Promise<ImageRef> {
  const suite = options.suite ?? "bookworm";
  if (!suitePattern.test(suite)) {
    throw new DirectorError("VALIDATION_FAILED", `${JSON.stringify(suite)} is not a Debian suite name.`);
  }
  const mirror = new URL(options.mirror ?? "http://deb.debian.org/debian").href;
  const ref = parseImageRef(`${options.imageName ?? debianBaseImageName}:${suite}`);
  if (!options.isForced && (await imageExists(docker, ref))) return ref;

  // Under the system temp dir, on the same file system as /tmp: ~200 MB for the duration of the import.
  const workDir = await mkdtemp(path.join(tmpdir(), "director-debian-"));
  const rootfs = path.join(workDir, "rootfs");
  try {
    await debootstrap(options.debootstrapPath ?? "/usr/sbin/debootstrap", suite, rootfs, mirror, options.timeoutMs);
    await addSiteUser(rootfs);
    await importDirectory(docker, rootfs, ref, [
      `LABEL ${baseImageLabel}=debian`,
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "ENV LANG=C.UTF-8",
      `USER ${siteUser.uid}:${siteUser.gid}`,
      'CMD ["bash"]',
    ]);
    return ref;
  } finally {
    await unmountUnder(rootfs);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function debootstrap(
  program: string,
  suite: string,
  rootfs: string,
  mirror: string,
  timeoutMs = 15 * 60_000,
): Promise<void> {
  let result: Awaited<ReturnType<typeof runCommand>>;
  try {
    result = await runCommand([program, "--variant=minbase", suite, rootfs, mirror], { timeoutMs });
  } catch (error) {
    if (error instanceof RunCommandError && error.reason === "spawn-failed") {
      throw new DirectorError(
        "CONFIG_INVALID",
        `Cannot run ${program}: install Debian's debootstrap package (scripts/setup-host.sh --docker).`,
        { cause: error },
      );
    }
    throw new DirectorError("CONFIG_INVALID", `debootstrap did not finish: ${String(error)}`, { cause: error });
  }
  if (result.exitCode !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-20).join("\n");
    throw new DirectorError(
      "CONFIG_INVALID",
      `debootstrap ${suite} from ${mirror} failed (exit ${result.exitCode}):\n${tail}`,
    );
  }
}

/** Adds the unprivileged site user (uid/gid 1000, home in the site directory) and the /site mount point. */
async function addSiteUser(rootfs: string): Promise<void> {
  const passwdPath = path.join(rootfs, "etc", "passwd");
  const passwd = await readFile(passwdPath, "utf8");
  if (!passwd.split("\n").some((line) => line.startsWith(`${siteUser.name}:`))) {
    await appendFile(passwdPath, `${siteUser.name}:x:${siteUser.uid}:${siteUser.gid}:site:${siteUser.home}:/bin/sh\n`);
    await appendFile(path.join(rootfs, "etc", "group"), `${siteUser.name}:x:${siteUser.gid}:\n`);
  }
  await mkdir(path.join(rootfs, "site"), { recursive: true, mode: 0o755 });
  // The tmpfs a site's task gets at /run takes this directory's mode (the engine ignores the mount's): the site's
  // process, not root, keeps its PID files and sockets there.
  await chmod(path.join(rootfs, "run"), 0o1777);
}

/** Streams `tar -c` of the directory (numeric owners, as debootstrap made them) into the engine's import. */
async function importDirectory(docker: Docker, directory: string, ref: ImageRef, changes: string[]): Promise<void> {
  const tar = spawn("tar", ["-C", directory, "--numeric-owner", "-c", "."], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  tar.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number>((resolve, reject) => {
    tar.once("error", reject);
    tar.once("close", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
  try {
    await importRootfs(docker, tar.stdout, ref, changes);
  } finally {
    if (tar.exitCode === null) tar.kill();
  }
  const exitCode = await exited;
  if (exitCode !== 0) {
    // A truncated tarball may still have been imported: do not leave it under the tag.
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
    throw new DirectorError("INTERNAL", `tar of ${directory} failed (exit ${exitCode}): ${stderr.trim()}`);
  }
}

/** Unmounts whatever debootstrap left mounted inside the tree (it mounts /proc and /sys, and a failure may keep them). */
async function unmountUnder(directory: string): Promise<void> {
  const mounts = await readFile("/proc/self/mounts", "utf8").catch(() => "");
  const targets = mounts
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    // /proc/mounts escapes spaces as \040; our temp paths have none.
    .filter((target) => target === directory || target.startsWith(`${directory}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) await runCommand(["umount", "-l", target], { timeoutMs: 10_000 });
}
