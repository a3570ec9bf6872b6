import { execFile } from "node:child_process";
import { constants } from "node:fs";
import {
  access,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  statfs,
  truncate,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import type { SiteDiskUsage, SiteVolumes } from "../core/ports.js";
import { hasErrorCode } from "./directory-walk.js";

const run = promisify(execFile);

/** The smallest quota a volume can have: ext4's own structures need a few MiB, and a site needs room to start. */
export const minimumSiteQuotaBytes = 16 * 1024 * 1024;
/** Room an image gets beyond what its quota needs, so that ext4's own structures never eat into the quota. */
const imageHeadroomBytes = 8 * 1024 * 1024;
/**
 * Options of every site filesystem: no device files and no setuid programs from a tenant's files (the site's own
 * process could not make them, but an archive extracted as root could); discard, so that what a site deletes is
 * given back to the machine's disk (a hole punched in the sparse image).
 */
const mountOptions = "loop,nodev,nosuid,discard";
const imageSuffix = ".ext4";

/** Which of the machine's tools a volume needs; checked by `LoopSiteVolumes.check`. */
const requiredTools = ["mkfs.ext4", "tune2fs", "resize2fs", "losetup", "mount", "umount"] as const;

/**
 * One ext4 filesystem per site, in a sparse image file `<volumesDir>/<id>.ext4` mounted on a loop device at the
 * site's directory. The kernel enforces the quota for everything that writes there: the site's process, its
 * terminals, SFTP and the files API alike, with no escape through hard links (another filesystem), nested
 * filesystems or inodes (each volume has its own). Measured against the alternatives on the machines we target
 * (bench/README.md, "Disk quotas"): project and user quotas need a kernel built with quota support (these kernels
 * are not), and btrfs qgroups let any tenant escape with a subvolume of their own, which needs no privilege.
 *
 * The quota is what anyone may write there: ext4's reserved clusters hold back the rest of the image, so a quota
 * shrinks at once, without unmounting, and grows by growing the image and the filesystem online. The kernel keeps
 * that reserve only while mounted, so the quota is saved beside the image (`<id>.quota`) and applied at each mount.
 */
export class LoopSiteVolumes implements SiteVolumes {
  readonly isEnforced = true;
  readonly #volumesDir: string;
  readonly #sitePath: (id: SiteId) => string;
  readonly #defaultQuotaBytes: number;

  constructor(options: { volumesDir: string; sitePath: (id: SiteId) => string; defaultQuotaBytes: number }) {
    if (!path.isAbsolute(options.volumesDir)) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `The site volumes directory must be absolute, not "${options.volumesDir}".`,
      );
    }
    this.#volumesDir = path.normalize(options.volumesDir);
    this.#sitePath = options.sitePath;
    this.#defaultQuotaBytes = options.defaultQuotaBytes;
  }

  /** Why volumes cannot work on this machine (not root, no loop devices, a tool missing); null when they can. */
  static async check(): Promise<string | null> {
    if (process.getuid?.() !== 0) return "the orchestrator does not run as root";
    try {
      await access("/dev/loop-control", constants.R_OK | constants.W_OK);
    } catch {
      return "this machine has no loop devices (/dev/loop-control)";
    }
    for (const tool of requiredTools) {
      const found = await run("sh", ["-c", `command -v ${tool}`]).then(
        () => true,
        () => false,
      );
      if (!found) return `${tool} is not installed (Debian: apt-get install e2fsprogs mount)`;
    }
    return null;
  }

  async prepare(): Promise<void> {
    await mkdir(this.#volumesDir, { recursive: true, mode: 0o700 });
    const mounted = await mountedLoops();
    for (const entry of await listImages(this.#volumesDir)) {
      if (!mounted.has(this.#sitePath(entry.id))) await this.#mount(entry.id);
    }
  }

  async attach(id: SiteId, quotaBytes: number | null): Promise<void> {
    const mounted = await mountedLoops();
    if (mounted.has(this.#sitePath(id))) return;
    const quota = quotaBytes ?? this.#defaultQuotaBytes;
    const image = this.#imageOf(id);
    const isNew = !(await exists(image));
    // A site that has files in a plain directory already (made before volumes were turned on) keeps it as it is.
    if (isNew && (await hasEntries(this.#sitePath(id)))) return;
    if (isNew) await createImage(image, quota);
    if (isNew) await writeFileAtomically(this.#quotaFileOf(id), `${quota}\n`);
    await this.#mount(id);
    if (isNew) {
      // mkfs leaves lost+found (root's) in what is the site's own directory; e2fsck makes it again when it needs it.
      await rmdir(path.join(this.#sitePath(id), "lost+found")).catch(() => undefined);
    }
  }

  async setQuota(id: SiteId, quotaBytes: number): Promise<SiteDiskUsage> {
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < minimumSiteQuotaBytes) {
      throw new DirectorError(
        "VALIDATION_FAILED",
        `A site's disk quota must be at least ${minimumSiteQuotaBytes} bytes.`,
        {
          details: { field: "quotaBytes" },
        },
      );
    }
    // Saved first: a mount applies it again (the kernel keeps reserved_clusters only while mounted).
    await writeFileAtomically(this.#quotaFileOf(id), `${quotaBytes}\n`);
    await this.#applyQuota(id, quotaBytes);
    const usage = await this.usageOf(id);
    if (usage === null) throw new DirectorError("INTERNAL", `The volume of site ${id} went away while it was resized.`);
    return usage;
  }

  /**
   * Sets the filesystem's reserved clusters so that what anyone may write is the quota: f_bavail is the free blocks
   * less the reserved ones, so used plus available is the filesystem's blocks less the reserved ones whatever is
   * used. ext4 lets nobody (root included) write into them; it keeps at least its own default there, for its own
   * bookkeeping. An image too small for the quota and that margin grows first, online.
   */
  async #applyQuota(id: SiteId, quotaBytes: number): Promise<void> {
    const device = await this.#deviceOf(id);
    let stats = await statfs(this.#sitePath(id));
    const wantedBlocks = Math.ceil(quotaBytes / stats.bsize);
    let margin = ext4DefaultReservedClusters(stats.blocks);
    if (stats.blocks - wantedBlocks < margin) {
      const { size } = await stat(this.#imageOf(id));
      const missing = wantedBlocks + ext4DefaultReservedClusters(wantedBlocks) - stats.blocks;
      await truncate(this.#imageOf(id), size + missing * stats.bsize + imageHeadroomBytes);
      await run("losetup", ["--set-capacity", device]);
      await run("resize2fs", [device]).catch((error: unknown) => {
        throw new DirectorError(
          "CONFIG_INVALID",
          `Growing the volume of site ${id} past its image needs resize2fs, which needs CAP_SYS_RESOURCE: ${stderrOf(error)}`,
          { cause: error },
        );
      });
      stats = await statfs(this.#sitePath(id));
      margin = ext4DefaultReservedClusters(stats.blocks);
    }
    const reserved = Math.max(margin, stats.blocks - wantedBlocks);
    await writeFile(path.join("/sys/fs/ext4", path.basename(device), "reserved_clusters"), String(reserved));
  }

  async remove(id: SiteId): Promise<boolean> {
    const image = this.#imageOf(id);
    const mounted = await mountedLoops();
    const site = this.#sitePath(id);
    if (!mounted.has(site) && !(await exists(image))) return false;
    if (mounted.has(site)) {
      // Lazily: a container that still holds the directory (being stopped) keeps the filesystem until it exits; the
      // loop device frees itself once nothing holds it (mount -o loop sets autoclear).
      await run("umount", ["--lazy", site]);
    }
    await rm(image, { force: true });
    await rm(this.#quotaFileOf(id), { force: true });
    await rmdir(site).catch((error: unknown) => {
      if (!hasErrorCode(error, "ENOENT")) throw error;
    });
    return true;
  }

  async usageOf(id: SiteId): Promise<SiteDiskUsage | null> {
    const mounted = await mountedLoops();
    const site = this.#sitePath(id);
    return mounted.has(site) ? usageAt(site) : null;
  }

  async usage(): Promise<Map<SiteId, SiteDiskUsage>> {
    const mounted = await mountedLoops();
    const result = new Map<SiteId, SiteDiskUsage>();
    for (const entry of await listImages(this.#volumesDir)) {
      const site = this.#sitePath(entry.id);
      if (mounted.has(site)) result.set(entry.id, await usageAt(site));
    }
    return result;
  }

  #imageOf(id: SiteId): string {
    return path.join(this.#volumesDir, `${id}${imageSuffix}`);
  }

  #quotaFileOf(id: SiteId): string {
    return path.join(this.#volumesDir, `${id}.quota`);
  }

  /** The quota saved for the site's volume; the default when none was (an image from an older version). */
  async #savedQuota(id: SiteId): Promise<number> {
    try {
      const saved = Number((await readFile(this.#quotaFileOf(id), "utf8")).trim());
      return Number.isSafeInteger(saved) && saved >= minimumSiteQuotaBytes ? saved : this.#defaultQuotaBytes;
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return this.#defaultQuotaBytes;
      throw error;
    }
  }

  async #mount(id: SiteId): Promise<void> {
    const site = this.#sitePath(id);
    // Closed (root's, 0700) until the site directories give it to the site's account.
    await mkdir(site, { mode: 0o700 }).catch((error: unknown) => {
      if (!hasErrorCode(error, "EEXIST")) throw error;
    });
    // A loop device still on this image (its mount detached while a container of the site still holds it) is mounted
    // again as it is: a second loop device would be a second ext4 on the same file, and corrupt it.
    const image = this.#imageOf(id);
    const { stdout } = await run("losetup", ["--list", "--noheadings", "--output", "NAME", "--associated", image]);
    const attached = stdout.trim().split("\n")[0]?.trim() ?? "";
    try {
      if (attached.startsWith("/dev/loop")) {
        await run("mount", ["-t", "ext4", "-o", mountOptions.replace("loop,", ""), attached, site]);
      } else {
        await run("mount", ["-t", "ext4", "-o", mountOptions, image, site]);
      }
    } catch (error) {
      throw new DirectorError("INTERNAL", `Could not mount the volume of site ${id}: ${stderrOf(error)}`, {
        cause: error,
      });
    }
    await this.#applyQuota(id, await this.#savedQuota(id));
  }

  async #deviceOf(id: SiteId): Promise<string> {
    const device = (await mountedLoops()).get(this.#sitePath(id));
    if (device === undefined) {
      throw new DirectorError("PATH_NOT_FOUND", `Site ${id} has no volume mounted; create its directories first.`);
    }
    return device;
  }
}

/** Makes a sparse image at `quotaBytes` plus room for ext4's own structures, and an ext4 filesystem in it. */
async function createImage(image: string, quotaBytes: number): Promise<void> {
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
    await run("mkfs.ext4", [
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
      "nodiscard",
      temporary,
    ]);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new DirectorError("INTERNAL", `Could not make a site volume: ${stderrOf(error)}`, { cause: error });
  }
  // Renamed only once whole, so a crash never leaves an image that prepare() would try to mount.
  await rename(temporary, image);
}

/** ext4's own reserve at mount: 2 % of the blocks, at most 4096 (fs/ext4/super.c, ext4_calculate_resv_clusters). */
function ext4DefaultReservedClusters(blocks: number): number {
  return Math.min(Math.ceil(blocks / 50), 4096);
}

async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.new`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, file);
}

async function usageAt(site: string): Promise<SiteDiskUsage> {
  const stats = await statfs(site);
  const usedBlocks = stats.blocks - stats.bfree;
  return {
    usedBytes: usedBlocks * stats.bsize,
    quotaBytes: (usedBlocks + stats.bavail) * stats.bsize,
    usedInodes: stats.files - stats.ffree,
    totalInodes: stats.files,
  };
}

/** Every loop-mounted filesystem of this mount namespace: mount point to device. */
async function mountedLoops(): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const line of (await readFile("/proc/self/mountinfo", "utf8")).split("\n")) {
    // id parent major:minor root mountpoint options [optional fields] - type source superoptions
    const fields = line.split(" ");
    const separator = fields.indexOf("-");
    if (separator < 0) continue;
    const source = fields[separator + 2];
    const mountPoint = fields[4];
    if (source?.startsWith("/dev/loop") && mountPoint !== undefined) result.set(unescapeMountPath(mountPoint), source);
  }
  return result;
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMountPath(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

async function listImages(volumesDir: string): Promise<Array<{ id: SiteId }>> {
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

async function hasEntries(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return false;
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === "string" && stderr.trim() !== "" ? stderr.trim() : String(error);
}
