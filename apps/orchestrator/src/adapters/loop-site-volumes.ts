import { constants, type Stats } from "node:fs";
import {
  access,
  lstat,
  mkdir,
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
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SiteDiskUsage, SiteVolumes } from "../core/ports.js";
import { hasErrorCode } from "./directory-walk.js";
import {
  attachedLoopDevices,
  createImage,
  imageHeadroomBytes,
  imageSuffix,
  isOnPath,
  listImages,
  runTool,
  spaceOf,
  stderrOf,
  usageAt,
} from "./site-volume-images.js";

/** The smallest quota a volume can have: ext4's own structures need a few MiB, and a site needs room to start. */
export const minimumSiteQuotaBytes = 16 * 1024 * 1024;
/**
 * Options of every site filesystem: no device files and no setuid programs from a tenant's files (the site's own
 * process could not make them, but an archive extracted as root could); discard, so that what a site deletes is
 * given back to the machine's disk (a hole punched in the sparse image); noinit_itable, because ext4's background
 * zeroing of inode tables would only write zeros over the image's holes, which read as zeros already.
 */
const mountOptions = "nodev,nosuid,discard,noinit_itable";
/** The block device major number of loop devices (Linux's devices.txt). */
const loopMajor = 7;

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
      if (!(await isOnPath(tool))) return `${tool} is not installed (Debian: apt-get install e2fsprogs mount)`;
    }
    return null;
  }

  /**
   * Mounts every image that is not mounted: after a reboot, all of them. An image whose loop device is still there
   * (unmounted by hand, or held by a container after a lazy unmount) is mounted from that device: a second loop
   * device would be a second ext4 on the same file, and corrupt it. One scan of the loop devices for all images.
   */
  async prepare(): Promise<void> {
    await mkdir(this.#volumesDir, { recursive: true, mode: 0o700 });
    const images = await listImages(this.#volumesDir);
    const unmounted: SiteId[] = [];
    for (const { id } of images) if ((await this.#deviceOf(id)) === null) unmounted.push(id);
    if (unmounted.length === 0) return;
    const attached = await attachedLoopDevices();
    for (const id of unmounted) await this.#mount(id, attached.get(this.#imageOf(id)) ?? null);
  }

  async attach(id: SiteId, quotaBytes: number | null): Promise<void> {
    if ((await this.#deviceOf(id)) !== null) return;
    const quota = quotaBytes ?? this.#defaultQuotaBytes;
    const image = this.#imageOf(id);
    if (await exists(image)) {
      // Made before, not mounted now (its mount failed half-way, or prepare() has not run): as prepare() would.
      const attached = await attachedLoopDevices();
      await this.#mount(id, attached.get(image) ?? null);
      return;
    }
    // A site that has files in a plain directory already (made before volumes were turned on) keeps it as it is.
    if (await hasEntries(this.#sitePath(id))) return;
    await createImage(image, quota);
    await writeFileAtomically(this.#quotaFileOf(id), `${quota}\n`);
    // A new image: no loop device can be on it yet.
    await this.#mount(id, null);
    // mkfs leaves lost+found (root's) in what is the site's own directory; e2fsck makes it again when it needs it.
    await rmdir(path.join(this.#sitePath(id), "lost+found")).catch(() => undefined);
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
    const device = await this.#mountedDeviceOf(id);
    let stats = await statfs(this.#sitePath(id));
    const wantedBlocks = Math.ceil(quotaBytes / stats.bsize);
    let margin = ext4DefaultReservedClusters(stats.blocks);
    if (stats.blocks - wantedBlocks < margin) {
      const { size } = await stat(this.#imageOf(id));
      const missing = wantedBlocks + ext4DefaultReservedClusters(wantedBlocks) - stats.blocks;
      await truncate(this.#imageOf(id), size + missing * stats.bsize + imageHeadroomBytes);
      await runTool("losetup", ["--set-capacity", device]);
      await runTool("resize2fs", [device]).catch((error: unknown) => {
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
    const site = this.#sitePath(id);
    const device = await this.#deviceOf(id);
    if (device === null && !(await exists(image))) return false;
    if (device !== null) {
      // Lazily: a container that still holds the directory (being stopped) keeps the filesystem until it exits. The
      // loop device is detached the same way: the kernel frees it once nothing holds it any more.
      await runTool("umount", ["--lazy", site]);
      await runTool("losetup", ["--detach", device]).catch(() => undefined);
    }
    await rm(image, { force: true });
    await rm(this.#quotaFileOf(id), { force: true });
    await rmdir(site).catch((error: unknown) => {
      if (!hasErrorCode(error, "ENOENT")) throw error;
    });
    return true;
  }

  async usageOf(id: SiteId): Promise<SiteDiskUsage | null> {
    return (await this.#deviceOf(id)) === null ? null : usageAt(this.#sitePath(id));
  }

  async usage(): Promise<Map<SiteId, SiteDiskUsage>> {
    const result = new Map<SiteId, SiteDiskUsage>();
    for (const { id } of await listImages(this.#volumesDir)) {
      const usage = await this.usageOf(id);
      if (usage !== null) result.set(id, usage);
    }
    return result;
  }

  /** The filesystem that holds the images: what the sites' files take room on. */
  async space(): Promise<{ totalBytes: number; freeBytes: number }> {
    return spaceOf(this.#volumesDir);
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

  /**
   * Mounts the site's image at its directory, from `attached` (a loop device already on it) or a new loop device
   * with direct I/O between it and the image: the page cache then holds the site's files once, not twice, and writes
   * are faster (bench/README.md). `losetup --find` asks the kernel for a free device, whatever the number of sites.
   */
  async #mount(id: SiteId, attached: string | null): Promise<void> {
    const site = this.#sitePath(id);
    // Closed (root's, 0700) until the site directories give it to the site's account.
    await mkdir(site, { mode: 0o700 }).catch((error: unknown) => {
      if (!hasErrorCode(error, "EEXIST")) throw error;
    });
    let device = attached;
    try {
      if (device === null) {
        device = (await runTool("losetup", ["--find", "--show", "--direct-io=on", this.#imageOf(id)])).trim();
      }
      await runTool("mount", ["-t", "ext4", "-o", mountOptions, device, site]);
    } catch (error) {
      if (attached === null && device !== null && device !== "") {
        await runTool("losetup", ["--detach", device]).catch(() => undefined);
      }
      throw new DirectorError("INTERNAL", `Could not mount the volume of site ${id}: ${stderrOf(error)}`, {
        cause: error,
      });
    }
    await this.#applyQuota(id, await this.#savedQuota(id));
  }

  /**
   * The loop device mounted at the site's directory, or null: a mount point is on another device than its parent,
   * and a loop device's number is its minor (major 7). One stat each, whatever the number of sites.
   */
  async #deviceOf(id: SiteId): Promise<string | null> {
    const site = this.#sitePath(id);
    let inner: Stats;
    let outer: Stats;
    try {
      [inner, outer] = await Promise.all([lstat(site), lstat(path.dirname(site))]);
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return null;
      throw error;
    }
    if (!inner.isDirectory() || inner.dev === outer.dev) return null;
    const major = Math.floor(inner.dev / 256) & 0xfff;
    // glibc's encoding of st_dev: minor bits 0-7 and 20-31, major bits 8-19 (the numbers stay below 2^32 here)
    const minor = (inner.dev & 0xff) | (Math.floor(inner.dev / 4096) & 0xfff00);
    return major === loopMajor ? `/dev/loop${minor}` : null;
  }

  async #mountedDeviceOf(id: SiteId): Promise<string> {
    const device = await this.#deviceOf(id);
    if (device === null) {
      throw new DirectorError("PATH_NOT_FOUND", `Site ${id} has no volume mounted; create its directories first.`);
    }
    return device;
  }
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
