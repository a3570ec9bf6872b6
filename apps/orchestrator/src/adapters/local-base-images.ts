/**
 * The small busybox base image made on this machine, for machines with no registry access (and for tests): a root
 * filesystem built in memory and imported (rootfs-images.ts). The tag is derived from the tarball's bytes, so an
 * unchanged input is never rebuilt.
 */
import { readFile } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";
import { type ImageRef, parseImageRef } from "@director/domain/image-ref";
import { runCommand } from "@director/host/run-command";
import type Docker from "dockerode";
import { ensureRootfsImage, type RootfsEntry, rootfsDirectory, tagImage } from "./rootfs-images.js";

/** The image name of the busybox base image; its tag is content-derived. */
export const busyboxBaseImageName = "director/base-busybox";
/** The tag that always names the newest busybox base image, so that image rows can refer to it (`director/base-busybox:latest`). */
export const stableBusyboxTag = "latest";
/** The label every Director base image carries, valued with its kind (`busybox`). */
export const baseImageLabel = "org.director.base";
/** Bump when the layout below changes: it is part of the hashed content, so the tag changes with it. */
const busyboxLayoutVersion = "2";

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

/**
 * Makes `director/base-busybox:<content hash>` when it is missing (or when forced), tags it `:latest` as well (the
 * stable name image rows use), and returns the content-hashed reference.
 */
export async function ensureBusyboxBaseImage(docker: Docker, options: BusyboxBaseImageOptions = {}): Promise<ImageRef> {
  const busyboxPath = options.busyboxPath ?? "/bin/busybox";
  const imageName = options.imageName ?? busyboxBaseImageName;
  const ref = await ensureRootfsImage(docker, {
    imageName,
    layoutVersion: busyboxLayoutVersion,
    entries: await busyboxRootfsEntries(busyboxPath),
    changes: [
      `LABEL ${baseImageLabel}=busybox`,
      "ENV PATH=/usr/local/bin:/usr/bin:/bin",
      `USER ${siteUser.uid}:${siteUser.gid}`,
      'CMD ["sh"]',
    ],
    ...(options.isForced === undefined ? {} : { isForced: options.isForced }),
  });
  await tagImage(docker, ref, parseImageRef(`${imageName}:${stableBusyboxTag}`));
  return ref;
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
    ...["bin", "etc", "usr", "usr/bin", "site", "proc", "sys", "dev", "var"].map((name) =>
      rootfsDirectory(name, 0o755),
    ),
    rootfsDirectory("root", 0o700),
    // Sticky and world-writable like any /tmp; the task mounts a tmpfs over it, a plain container uses this one.
    // /run too: the engine gives a tmpfs mounted over a directory of the image that directory's mode, not the
    // mount's, and the site's process (not root) keeps its PID files and sockets there.
    rootfsDirectory("tmp", 0o1777),
    rootfsDirectory("run", 0o1777),
    rootfsDirectory("var/tmp", 0o1777),
    { type: "file", name: "bin/busybox", mode: 0o755, content: binary },
    ...applets.map((applet): RootfsEntry => ({ type: "symlink", name: `bin/${applet}`, target: "busybox" })),
    // `#!/usr/bin/env sh` is the usual first line of a run.sh.
    { type: "symlink", name: "usr/bin/env", target: "/bin/busybox" },
    { type: "file", name: "etc/passwd", mode: 0o644, content: Buffer.from(`${passwd.join("\n")}\n`) },
    { type: "file", name: "etc/group", mode: 0o644, content: Buffer.from(`${group.join("\n")}\n`) },
  ];
}
