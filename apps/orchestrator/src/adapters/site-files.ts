import { randomUUID } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open, rename, rmdir, unlink } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { DirectoryListing, FileWritten } from "@director/contracts/orchestrator-files";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { parseSitePath, type SitePath, sitePathSegments } from "@director/domain/site-path";
import { firstDirectoryPage } from "../core/directory-page.js";
import type { ModeChange } from "../core/mode-change.js";
import type { FileContent, SiteDirectories, SiteDiskUsage, SiteFileMode, SiteFiles, ZipLimits } from "../core/ports.js";
import { listDirectoryPage } from "./directory-listing.js";
import { type CreatedFileOwner, hasErrorCode, openDirectoryBelow, openEntry, pathAt } from "./directory-walk.js";
import { copySiteTree } from "./site-copy.js";
import { changeMode, makeDirectory, moveEntry, removeEntry, splitSitePath } from "./site-tree-changes.js";
import { zipFolder } from "./site-zip.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
const fileMode = 0o644;

/**
 * Site files on the local filesystem. Every operation opens the path one component at a time relative to the
 * parent it already opened (see directory-walk.ts), so `..`, symlinks at any component and parents swapped during
 * the call cannot lead outside the site directory; regular files with more than one hard link are refused too,
 * because their other name may be outside.
 *
 * What a write creates belongs to the site's own account (`ownerOf`, core/site-user.ts in production): the site's
 * process, and later its SSH sessions, must be able to edit what its owner uploaded. The orchestrator runs as root,
 * so without this every uploaded file would be root's and read-only to the site.
 */
export class FsSiteFiles implements SiteFiles {
  readonly #directories: Pick<SiteDirectories, "pathOf">;
  readonly #ownerOf: (id: SiteId) => CreatedFileOwner;
  readonly #diskUsageOf: (id: SiteId) => Promise<SiteDiskUsage | null>;

  constructor(
    directories: Pick<SiteDirectories, "pathOf">,
    options: {
      ownerOf?: (id: SiteId) => CreatedFileOwner;
      /** how full the site's volume is (SiteVolumes.usageOf); null: no volume, no quota to check */
      diskUsageOf?: (id: SiteId) => Promise<SiteDiskUsage | null>;
    } = {},
  ) {
    this.#directories = directories;
    this.#ownerOf = options.ownerOf ?? (() => null);
    this.#diskUsageOf = options.diskUsageOf ?? (async () => null);
  }

  /**
   * Refuses a write of `bytes` that the site's quota has no room for, with the figures, before anything is written.
   * The kernel would stop it too (the volume's reserved clusters hold root as well), but half-way, as ENOSPC.
   */
  async #assertRoomFor(id: SiteId, bytes: number): Promise<void> {
    const usage = await this.#diskUsageOf(id);
    if (usage === null || usage.usedBytes + bytes <= usage.quotaBytes) return;
    throw quotaExceeded(usage, bytes);
  }

  async list(id: SiteId, path: SitePath | null, page = firstDirectoryPage): Promise<DirectoryListing> {
    const segments = path === null ? [] : sitePathSegments(parseSitePath(path));
    const dir = await openDirectoryBelow(this.#directories.pathOf(id), segments, {
      shouldCreate: false,
    });
    try {
      return await listDirectoryPage(dir, path ?? "", page);
    } finally {
      await dir.close();
    }
  }

  async read(id: SiteId, path: SitePath | null, maxBytes: number, page = firstDirectoryPage): Promise<FileContent> {
    if (path === null) return { kind: "directory", listing: await this.list(id, null, page) };
    const { parentSegments, name } = splitSitePath(path);
    const parent = await openDirectoryBelow(this.#directories.pathOf(id), parentSegments, { shouldCreate: false });
    try {
      // A FIFO or a device opens too: it is refused below by its type.
      const handle = await openEntry(parent, name, path);
      try {
        const stats = await handle.stat();
        if (stats.isDirectory()) return { kind: "directory", listing: await listDirectoryPage(handle, path, page) };
        assertOwnRegularFile(stats, path);
        if (stats.size > maxBytes) throw tooLarge(path, maxBytes);
        return { kind: "file", bytes: await readAtMost(handle, maxBytes, path) };
      } finally {
        await handle.close();
      }
    } finally {
      await parent.close();
    }
  }

  async write(
    id: SiteId,
    path: SitePath,
    bytes: Buffer,
    options: { mode?: SiteFileMode; ifModifiedAt?: string } = {},
  ): Promise<FileWritten> {
    const mode = options.mode ?? fileMode;
    if (mode !== 0o644 && mode !== 0o755) {
      throw new DirectorError("VALIDATION_FAILED", "A file's mode must be 644 or 755.", { details: { field: "mode" } });
    }
    await this.#assertRoomFor(id, bytes.length);
    const { parentSegments, name } = splitSitePath(path);
    const owner = this.#ownerOf(id);
    const parent = await openDirectoryBelow(this.#directories.pathOf(id), parentSegments, {
      shouldCreate: true,
      owner,
    });
    try {
      const current = await assertReplaceable(parent, name, path);
      if (options.ifModifiedAt !== undefined) assertUnchanged(current, options.ifModifiedAt, path);
      // Write a temporary file in the verified parent, then rename it over the target: readers (nginx) see the old
      // file or the new one, never half of it. rename replaces a directory entry and never follows a symlink there.
      const temporaryName = `.director-upload-${randomUUID()}.tmp`;
      let modifiedAt: string;
      try {
        const handle = await open(pathAt(parent, temporaryName), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
        try {
          await handle.writeFile(bytes);
          await handle.chmod(mode); // the open mode is masked by the umask
          if (owner !== null) await handle.chown(owner.uid, owner.gid);
          await handle.datasync();
          modifiedAt = (await handle.stat()).mtime.toISOString();
        } finally {
          await handle.close();
        }
        await rename(pathAt(parent, temporaryName), pathAt(parent, name));
      } catch (error) {
        await unlink(pathAt(parent, temporaryName)).catch((cleanupError: unknown) => {
          if (!hasErrorCode(cleanupError, "ENOENT")) throw cleanupError;
        });
        if (hasErrorCode(error, "EISDIR")) throw isDirectory(path, error);
        if (hasErrorCode(error, "ENOSPC") || hasErrorCode(error, "EDQUOT")) {
          const usage = await this.#diskUsageOf(id);
          if (usage !== null) throw quotaExceeded(usage, bytes.length);
        }
        // The parent we hold was removed (or replaced) meanwhile; nothing was written anywhere.
        if (hasErrorCode(error, "ENOENT")) {
          throw new DirectorError("PATH_NOT_FOUND", `The folder of ${path} was removed while writing; try again.`, {
            cause: error,
          });
        }
        throw error;
      }
      return { path, sizeBytes: bytes.length, modifiedAt };
    } finally {
      await parent.close();
    }
  }

  async makeDirectory(id: SiteId, path: SitePath): Promise<void> {
    await makeDirectory(this.#directories.pathOf(id), path, this.#ownerOf(id));
  }

  async move(id: SiteId, from: SitePath, to: SitePath): Promise<void> {
    await moveEntry(this.#directories.pathOf(id), from, to);
  }

  async changeMode(id: SiteId, path: SitePath, change: ModeChange): Promise<{ mode: number }> {
    return changeMode(this.#directories.pathOf(id), path, change);
  }

  async removeTree(id: SiteId, path: SitePath): Promise<void> {
    await removeEntry(this.#directories.pathOf(id), path);
  }

  async copyFrom(id: SiteId, fromId: SiteId, limits: ZipLimits): Promise<{ files: number; bytes: number }> {
    return copySiteTree(this.#directories.pathOf(fromId), { id, files: this }, limits);
  }

  async zip(id: SiteId, path: SitePath | null, limits: ZipLimits): Promise<Readable> {
    return zipFolder(this.#directories.pathOf(id), path, limits);
  }

  async remove(id: SiteId, path: SitePath): Promise<void> {
    const { parentSegments, name } = splitSitePath(path);
    let parent: FileHandle;
    try {
      parent = await openDirectoryBelow(this.#directories.pathOf(id), parentSegments, { shouldCreate: false });
    } catch (error) {
      if (error instanceof DirectorError && (error.code === "PATH_NOT_FOUND" || error.code === "SITE_NOT_FOUND"))
        return;
      throw error;
    }
    try {
      const stats = await lstatOrNull(pathAt(parent, name));
      if (stats === null) return;
      // unlink/rmdir act on the entry itself: removing a symlink or a hard link never touches what it points to.
      if (stats.isDirectory()) await rmdir(pathAt(parent, name));
      else await unlink(pathAt(parent, name));
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return;
      if (hasErrorCode(error, "ENOTEMPTY", "EEXIST")) {
        throw new DirectorError(
          "PATH_IS_DIRECTORY",
          `${path} is a directory that is not empty; remove its files first.`,
          {
            cause: error,
          },
        );
      }
      if (hasErrorCode(error, "EISDIR")) throw isDirectory(path, error);
      throw error;
    } finally {
      await parent.close();
    }
  }
}

function quotaExceeded(usage: SiteDiskUsage, neededBytes: number): DirectorError {
  const mebibytes = (value: number) => `${(value / 1048576).toFixed(1)} MiB`;
  return new DirectorError(
    "SITE_QUOTA_EXCEEDED",
    `The site has no room for ${mebibytes(neededBytes)}: it holds ${mebibytes(usage.usedBytes)} of its ${mebibytes(usage.quotaBytes)} quota. Delete files, or ask an administrator for a larger quota.`,
    { details: { usedBytes: usage.usedBytes, quotaBytes: usage.quotaBytes, neededBytes } },
  );
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return null;
    throw error;
  }
}

/** A write may replace a regular file with one link, or create a new one; anything else is refused. */
/** The file a write would replace (null: none), once it is one a write may replace. */
async function assertReplaceable(parent: FileHandle, name: string, path: SitePath): Promise<Stats | null> {
  const stats = await lstatOrNull(pathAt(parent, name));
  if (stats === null) return null;
  if (stats.isDirectory()) throw isDirectory(path);
  assertOwnRegularFile(stats, path);
  return stats;
}

/**
 * A save from an editor names the version it was made from: another version on disk (changed in a terminal, by the
 * site's process, in another tab) or none (removed) must not be overwritten silently. Not a lock: a change in the
 * instant between this check and the rename still loses, as with any editor.
 */
function assertUnchanged(current: Stats | null, ifModifiedAt: string, path: SitePath): void {
  const onDisk = current?.mtime.toISOString() ?? null;
  if (onDisk === ifModifiedAt) return;
  throw new DirectorError(
    "FILE_CHANGED",
    onDisk === null
      ? `${path} was removed since you opened it; save again to make it anew.`
      : `${path} changed since you opened it; reload it, or save again to overwrite it.`,
    { details: { path, modifiedAt: onDisk } },
  );
}

function assertOwnRegularFile(stats: Stats, path: string): void {
  if (stats.isSymbolicLink()) {
    throw new DirectorError("PATH_IS_LINK", `${path} is a symbolic link; links are not followed.`);
  }
  if (!stats.isFile()) throw new DirectorError("PATH_INVALID", `${path} is not a regular file.`);
  if (stats.nlink > 1) {
    throw new DirectorError(
      "PATH_IS_LINK",
      `${path} is a hard link to a file that may be outside the site; remove it.`,
    );
  }
}

function isDirectory(path: string, cause?: unknown): DirectorError {
  return new DirectorError("PATH_IS_DIRECTORY", `${path} is a directory.`, { cause });
}

function tooLarge(path: string, maxBytes: number): DirectorError {
  return new DirectorError(
    "FILE_TOO_LARGE",
    `${path} is larger than ${maxBytes} bytes, the most the files API reads at once.`,
  );
}

/** Reads the whole file but never more than maxBytes, even if it grows while we read. */
async function readAtMost(handle: FileHandle, maxBytes: number, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(path, maxBytes);
  }
  return Buffer.concat(chunks, total);
}
