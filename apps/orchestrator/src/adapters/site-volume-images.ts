/**
 * The files and kernel objects under site volumes (adapters/loop-site-volumes.ts): making an image, finding the loop
 * devices already on images, listing images, and a mounted volume's figures.
 */

import { constants } from "node:fs";
import { access, open, readdir, readFile, rename, rm, statfs, truncate } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { runCommand } from "@director/host/run-command";
import type { SiteDiskUsage } from "../core/ports.js";
import { hasErrorCode } from "./directory-walk.js";

/** How long one tool (mkfs, mount, losetup...) may take before it is killed and the step fails. */
const toolTimeoutMs = 60_000;

/** Runs one of the machine's tools (no shell); its stdout, or an Error with its stderr when it exits non-zero. */
export async function runTool(program: string, args: readonly string[]): Promise<string> {
  const result = await runCommand([program, ...args], { timeoutMs: toolTimeoutMs });
  if (result.exitCode !== 0) {
    throw Object.assign(new Error(`${program} exited with ${result.exitCode}`), { stderr: result.stderr });
  }
  return result.stdout;
}

/** Whether `program` is an executable file in one of PATH's directories. */
export async function isOnPath(program: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
    if (dir === "") continue;
    try {
      await access(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}
/** Room an image gets beyond what its quota needs, so that ext4's own structures never eat into the quota. */
export const imageHeadroomBytes = 8 * 1024 * 1024;
export const imageSuffix = ".ext4";

/** Makes a sparse image at `quotaBytes` plus room for ext4's own structures, and an ext4 filesystem in it. */
export async function createImage(image: string, quotaBytes: number): Promise<void> {
  const temporary = `${image}.new`;
  const file = await open(temporary, "w", 0o600);
  await file.close();
  try {
    // Twice the quota, sparse: the quota can double online without resize2fs (which needs CAP_SYS_RESOURCE), and
    // ext4's own structures (about 0.7 MiB per GiB of image, measured) stay small.
    await truncate(temporary, 2 * quotaBytes + imageHeadroomBytes);
    // -m 0: nothing kept for root alone; the quota is held by reserved clusters (#applyQuota), which hold root too.
    // A 4 MiB journal instead of ext4's default (up to 64 MiB for a big image): a site writes little at a time.
    // 4 KiB blocks whatever the size, so a quota is the same number of blocks before and after the image grows.
    await runTool("mkfs.ext4", [
      "-q",
      "-F",
      "-b",
      "4096",
      "-m",
      "0",
      "-i",
      "16384",
      "-J",
      "size=4",
      "-E",
      // Neither the journal nor the inode tables are zeroed: in a new sparse file they are holes, which read as zeros
      // (measured: 5.3 MiB of disk per empty 2 GiB image when zeroed, 1.2 MiB not).
      "nodiscard,lazy_itable_init=1,lazy_journal_init=1",
      temporary,
    ]);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new DirectorError("INTERNAL", `Could not make a site volume: ${stderrOf(error)}`, { cause: error });
  }
  // Renamed only once whole, so a crash never leaves an image that prepare() would try to mount.
  await rename(temporary, image);
}

/** A filesystem's size and what unprivileged writers may still use of it. */
export async function spaceOf(dir: string): Promise<{ totalBytes: number; freeBytes: number }> {
  const stats = await statfs(dir);
  return { totalBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize };
}

export async function usageAt(site: string): Promise<SiteDiskUsage> {
  const stats = await statfs(site);
  const usedBlocks = stats.blocks - stats.bfree;
  return {
    usedBytes: usedBlocks * stats.bsize,
    quotaBytes: (usedBlocks + stats.bavail) * stats.bsize,
    usedInodes: stats.files - stats.ffree,
    totalInodes: stats.files,
  };
}

/** Every loop device with a backing file: the file to the device (one read per loop device, for prepare()). */
export async function attachedLoopDevices(): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  let names: string[];
  try {
    names = (await readdir("/sys/block")).filter((name) => /^loop[0-9]+$/.test(name));
  } catch {
    return result;
  }
  for (const name of names) {
    const backing = await readFile(path.join("/sys/block", name, "loop", "backing_file"), "utf8").catch(() => "");
    if (backing.trim() !== "") result.set(backing.trim(), `/dev/${name}`);
  }
  return result;
}

export async function listImages(volumesDir: string): Promise<Array<{ id: SiteId }>> {
  let names: string[];
  try {
    names = await readdir(volumesDir);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return [];
    throw error;
  }
  return names
    .filter((name) => /^[1-9][0-9]{0,14}\.ext4$/.test(name))
    .map((name) => ({ id: parseSiteId(name.slice(0, -imageSuffix.length)) }));
}

export function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === "string" && stderr.trim() !== "" ? stderr.trim() : String(error);
}
