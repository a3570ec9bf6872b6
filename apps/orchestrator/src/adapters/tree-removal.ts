/**
 * Deleting a site's tree as root while the site's own code may still be changing it. Node's recursive `rm` resolves
 * whole paths again for every entry, so a directory swapped for a symlink between its check and its use made root
 * delete the link's target (issue 8: another site, any host directory). Here every step works on a directory already
 * open: entries are unlinked relative to it (`/proc/self/fd/N/<name>`, see directory-walk.ts), a child directory is
 * opened with O_NOFOLLOW before anything is done inside it, and what a swap leaves behind (a symlink where a directory
 * was) is unlinked as what it now is. A symlink is never followed, so nothing outside the opened tree is touched.
 */
import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, open, readdir, rename, rmdir, unlink } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";
import { hasErrorCode, pathAt } from "./directory-walk.js";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/**
 * How many nested directories are held open at once. A deeper directory is moved up to the top of the tree (a rename
 * inside it) and removed from there on the next round, so that a tree a million levels deep needs no more than this
 * many descriptors and no deep recursion.
 */
const maxOpenDepth = 48;
/**
 * Rounds over the whole tree before giving up. One round empties a tree nobody writes to; more are needed only for
 * moved-up deep directories and for entries added meanwhile (a process that has not stopped yet).
 */
const maxRounds = 20;
/** The prefix of a deep directory moved to the top of the tree while it is being removed. */
const movedUpPrefix = ".director-removing-";

/** What a removal did, for the log. */
export interface TreeRemoval {
  rounds: number;
}

/** The tree being removed: its top directory, its file system, and the deep directories moved up to the top. */
interface Removal {
  top: FileHandle;
  dev: number;
  movedUp: string[];
}

/** Files unlinked at once in one directory: enough to keep libuv's thread pool busy. */
const unlinksAtOnce = 16;

/** How often an entry that keeps changing kind (directory, then link, then directory) is retried within a round. */
const retriesPerEntry = 3;

/**
 * Removes everything inside the directory open as `top` (which stays, empty), on the file system `top` is on:
 * a mount point inside the tree is refused rather than crossed. Fails with SITE_FILES_BUSY when entries keep
 * appearing (something still writes there) after many rounds; what was removed stays removed.
 */
export async function removeTreeContents(top: FileHandle): Promise<TreeRemoval> {
  const removal: Removal = { top, dev: (await top.stat()).dev, movedUp: [] };
  for (let round = 1; round <= maxRounds; round++) {
    const wasEmpty = await emptyDirectory(removal, top, 1);
    // Deep directories moved up during this round: each is removed from the top like any other, in the same round.
    for (let name = removal.movedUp.pop(); name !== undefined; name = removal.movedUp.pop()) {
      await removeDirectoryEntry(removal, top, name, 1, retriesPerEntry);
    }
    if (wasEmpty) return { rounds: round };
  }
  throw new DirectorError(
    "SITE_FILES_BUSY",
    `The site's files kept changing during ${maxRounds} rounds of deletion; something still writes there. Try again once it has stopped.`,
  );
}

/** Removes what `dir` holds now; resolves true when it was empty at the end of its listing. */
async function emptyDirectory(removal: Removal, dir: FileHandle, depth: number): Promise<boolean> {
  const entries = await readdir(pathAt(dir, ""), { withFileTypes: true });
  // d_type is only a hint (the entry may have changed since): each branch copes with finding the other kind.
  // Files go several at a time (an unlink holds no descriptor); directories one at a time, to bound descriptors.
  const files = entries.filter((entry) => !entry.isDirectory());
  for (let start = 0; start < files.length; start += unlinksAtOnce) {
    await Promise.all(
      files
        .slice(start, start + unlinksAtOnce)
        .map((entry) => removeNonDirectoryEntry(removal, dir, entry.name, depth, retriesPerEntry)),
    );
  }
  for (const entry of entries) {
    if (entry.isDirectory()) await removeDirectoryEntry(removal, dir, entry.name, depth, retriesPerEntry);
  }
  return entries.length === 0;
}

/** Unlinks a file, symlink, FIFO or socket; a directory found there instead is removed as one. */
async function removeNonDirectoryEntry(
  removal: Removal,
  dir: FileHandle,
  name: string,
  depth: number,
  retriesLeft: number,
): Promise<void> {
  try {
    // unlink acts on the entry itself: removing a symlink or a hard link never touches what it points to.
    await unlink(pathAt(dir, name));
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return;
    // A directory now: removed as one, unless it keeps changing (then the next round finds it).
    if (hasErrorCode(error, "EISDIR", "EPERM")) {
      if (retriesLeft > 0) await removeDirectoryEntry(removal, dir, name, depth, retriesLeft - 1);
      return;
    }
    throw error;
  }
}

/** Empties and removes a directory entry of `dir`, or unlinks what replaced it. */
async function removeDirectoryEntry(
  removal: Removal,
  dir: FileHandle,
  name: string,
  depth: number,
  retriesLeft: number,
): Promise<void> {
  const target = pathAt(dir, name);
  let child: FileHandle;
  try {
    child = await open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return;
    // Not a directory (any more): a symlink gives ELOOP or ENOTDIR with O_NOFOLLOW | O_DIRECTORY.
    if (hasErrorCode(error, "ELOOP", "ENOTDIR")) {
      if (retriesLeft > 0) await removeNonDirectoryEntry(removal, dir, name, depth, retriesLeft - 1);
      return;
    }
    throw error;
  }
  try {
    if ((await child.stat()).dev !== removal.dev) {
      throw new DirectorError(
        "PATH_INVALID",
        `A file system is mounted inside the site's directory (at ${name}); an operator must unmount it first.`,
      );
    }
    if (depth >= maxOpenDepth) {
      // Renaming an entry never follows a symlink at either end: at worst, a link swapped in meanwhile moves up.
      const movedName = `${movedUpPrefix}${randomUUID()}`;
      try {
        await rename(target, pathAt(removal.top, movedName));
        removal.movedUp.push(movedName);
      } catch (error) {
        if (!hasErrorCode(error, "ENOENT")) throw error;
      }
      return;
    }
    // Everything inside is removed through `child`, the directory we opened, whatever `name` points to by now.
    await emptyDirectory(removal, child, depth + 1);
  } finally {
    await child.close();
  }
  try {
    await rmdir(target);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return;
    // Something was added meanwhile: the next round removes it.
    if (hasErrorCode(error, "ENOTEMPTY", "EEXIST")) return;
    // The name was swapped for something else after we emptied the directory: remove that instead.
    if (hasErrorCode(error, "ENOTDIR")) {
      if (retriesLeft > 0) await removeNonDirectoryEntry(removal, dir, name, depth, retriesLeft - 1);
      return;
    }
    throw error;
  }
}
