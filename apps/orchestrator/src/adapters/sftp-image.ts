/**
 * The sftp image, `director/sftp:<content hash>`: the host's OpenSSH sftp-server and the shared libraries it loads
 * (as `ldd` lists them), the directories an sftp session mounts over, nothing else: no shell, no other program, no
 * /etc/passwd of its own (each session mounts one with the site's account, sftp-container-spec.ts). Made in memory
 * (rootfs-images.ts); the tag follows the bytes, so an unchanged sftp-server is never imported again and an upgraded
 * one gets a new image.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import { runCommand } from "@director/host/run-command";
import type Docker from "dockerode";
import { ensureRootfsImage, type RootfsEntry, rootfsDirectory } from "./rootfs-images.js";
import { sftpServerPath } from "./sftp-container-spec.js";

/** The image name of the sftp image; its tag is content-derived. */
export const sftpImageName = "director/sftp";
/** Bump when the layout below changes. */
const sftpLayoutVersion = "1";
/** The account the image names when a container gives none; sessions always run as the site's. */
const nobody = "65534:65534";

/** Makes the sftp image when the engine does not have it and returns its reference. */
export async function ensureSftpImage(
  docker: Docker,
  options: { imageName?: string; sftpServerPath?: string } = {},
): Promise<ImageRef> {
  const hostPath = options.sftpServerPath ?? sftpServerPath;
  return ensureRootfsImage(docker, {
    imageName: options.imageName ?? sftpImageName,
    layoutVersion: sftpLayoutVersion,
    entries: await sftpRootfsEntries(hostPath),
    changes: ["LABEL org.director.image=sftp", `USER ${nobody}`, `CMD ["${sftpServerPath}"]`],
  });
}

async function sftpRootfsEntries(hostPath: string): Promise<RootfsEntry[]> {
  const binary = await readFile(hostPath).catch((error: unknown) => {
    throw new DirectorError(
      "TERMINAL_FAILED",
      `sftp is unavailable: ${hostPath} is missing on the orchestrator's machine; an administrator must install openssh-sftp-server (scripts/setup-host.sh --docker).`,
      { cause: error },
    );
  });
  const libraries = await sharedLibrariesOf(hostPath);
  // The real bytes (readFile follows symlinks) at the paths the loader looks at: the interpreter's own path, and the
  // directory ldd found each library in, one of the loader's default directories (there is no ld.so.cache).
  const files: RootfsEntry[] = [
    { type: "file", name: sftpServerPath.slice(1), mode: 0o755, content: binary },
    ...(await Promise.all(
      libraries.map(
        async (library): Promise<RootfsEntry> => ({
          type: "file",
          name: library.slice(1),
          mode: 0o755,
          content: await readFile(library),
        }),
      ),
    )),
  ];
  const parents = new Set<string>();
  for (const file of files) {
    for (let dir = path.posix.dirname(file.name); dir !== "."; dir = path.posix.dirname(dir)) parents.add(dir);
  }
  return [
    ...[...parents].sort().map((dir) => rootfsDirectory(dir, 0o755)),
    rootfsDirectory("etc", 0o755),
    rootfsDirectory("site", 0o755),
    rootfsDirectory("tmp", 0o1777),
    ...files,
  ];
}

/**
 * The absolute paths of the shared libraries a program loads, its interpreter among them, from `ldd` (glibc's): lines
 * `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and `/lib64/ld-linux-x86-64.so.2 (0x…)`; the vDSO has no file.
 */
export function parseLddOutput(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split("\n")) {
    const text = line.trim();
    if (text === "" || text.startsWith("linux-vdso") || text.startsWith("linux-gate")) continue;
    if (text.includes("not found")) throw new Error(`a library is missing: ${text}`);
    const match = /^(?:\S+ => )?(\/\S+) \(0x[0-9a-f]+\)$/.exec(text);
    if (match?.[1] !== undefined) paths.push(match[1]);
  }
  return [...new Set(paths)];
}

async function sharedLibrariesOf(program: string): Promise<string[]> {
  const listed = await runCommand(["ldd", program], { timeoutMs: 10_000 });
  // A statically linked program: ldd says so and exits 1; nothing to add.
  if (/not a dynamic executable|statically linked/.test(listed.stdout + listed.stderr)) return [];
  if (listed.exitCode !== 0) {
    throw new DirectorError("TERMINAL_FAILED", `ldd ${program} failed: ${listed.stderr.trim()}`);
  }
  try {
    return parseLddOutput(listed.stdout);
  } catch (error) {
    throw new DirectorError("TERMINAL_FAILED", `sftp-server cannot run: ${(error as Error).message}`, { cause: error });
  }
}
