/**
 * The workspace's changes to a site's tree: make a folder, move or rename an entry, change a mode, remove a folder
 * with everything in it. Like site-files.ts, each works on directories opened one component at a time below the site
 * directory (directory-walk.ts) and acts on entries relative to them, so `..`, symlinks at any component and parents
 * swapped during the call by the site's own process cannot lead outside the site. None of them follows a symlink at
 * its last component: a move renames the link itself, a removal unlinks it, a mode change refuses it.
 */
import { constants } from "node:fs";
import { type FileHandle, lstat, open, rename, rmdir, unlink } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";
import { parseSitePath, type SitePath, sitePathSegments } from "@director/domain/site-path";
import type { ModeChange } from "../core/mode-change.js";
import { type CreatedFileOwner, hasErrorCode, openDirectoryBelow, openEntry, pathAt } from "./directory-walk.js";
import { removeTreeContents } from "./tree-removal.js";

const { O_RDONLY, O_NOFOLLOW } = constants;

/** Splits a path into its parent's segments and its last name, checking the grammar again. */
export function splitSitePath(path: SitePath): { parentSegments: string[]; name: string } {
  const segments = sitePathSegments(parseSitePath(path));
  const name = segments.pop();
  if (name === undefined) throw new DirectorError("PATH_INVALID", "A file path needs at least one part.");
  return { parentSegments: segments, name };
}

async function withParent<T>(
  siteRoot: string,
  path: SitePath,
  work: (parent: FileHandle, name: string) => Promise<T>,
): Promise<T> {
  const { parentSegments, name } = splitSitePath(path);
  const parent = await openDirectoryBelow(siteRoot, parentSegments, { shouldCreate: false });
  try {
    return await work(parent, name);
  } finally {
    await parent.close();
  }
}

async function existsAt(dir: FileHandle, name: string): Promise<boolean> {
  try {
    await lstat(pathAt(dir, name));
    return true;
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return false;
    throw error;
  }
}

/** Makes the folder at `path` and its missing parents (0755, the site's own); nothing to do when it exists. */
export async function makeDirectory(siteRoot: string, path: SitePath, owner: CreatedFileOwner): Promise<void> {
  const dir = await openDirectoryBelow(siteRoot, sitePathSegments(parseSitePath(path)), { shouldCreate: true, owner });
  await dir.close();
}

/**
 * Moves (or renames) the entry at `from` to `to`, whose folder must exist. PATH_EXISTS when something is at `to`
 * already (checked just before: an entry the site's own process makes there meanwhile may be replaced, which harms
 * nobody but that site); a folder cannot go inside itself.
 */
export async function moveEntry(siteRoot: string, from: SitePath, to: SitePath): Promise<void> {
  if (to === from) return;
  if (to.startsWith(`${from}/`)) {
    throw new DirectorError("PATH_INVALID", `${from} cannot be moved inside itself (to ${to}).`);
  }
  await withParent(siteRoot, from, (fromParent, fromName) =>
    withParent(siteRoot, to, async (toParent, toName) => {
      if (!(await existsAt(fromParent, fromName))) {
        throw new DirectorError("PATH_NOT_FOUND", `Nothing exists at ${from}.`);
      }
      if (await existsAt(toParent, toName)) {
        throw new DirectorError("PATH_EXISTS", `${to} exists already; remove it or choose another name.`);
      }
      try {
        // rename acts on directory entries, never on what a symlink at either end points to.
        await rename(pathAt(fromParent, fromName), pathAt(toParent, toName));
      } catch (error) {
        if (hasErrorCode(error, "ENOENT")) {
          throw new DirectorError("PATH_NOT_FOUND", `${from} was removed while being moved.`, { cause: error });
        }
        if (hasErrorCode(error, "EEXIST", "ENOTEMPTY", "EISDIR", "ENOTDIR")) {
          throw new DirectorError("PATH_EXISTS", `${to} exists already; remove it or choose another name.`, {
            cause: error,
          });
        }
        // A folder moved below itself through a parent swapped meanwhile.
        if (hasErrorCode(error, "EINVAL")) {
          throw new DirectorError("PATH_INVALID", `${from} cannot be moved inside itself.`, { cause: error });
        }
        throw error;
      }
    }),
  );
}

/**
 * Changes the permission bits of a regular file or a folder, never beyond 0777 (no setuid, setgid or sticky bit);
 * answers the new bits. Symlinks, special files and files with other hard links are refused.
 */
export async function changeMode(siteRoot: string, path: SitePath, change: ModeChange): Promise<{ mode: number }> {
  return withParent(siteRoot, path, async (parent, name) => {
    const handle = await openEntry(parent, name, path);
    try {
      const stats = await handle.stat();
      if (!stats.isFile() && !stats.isDirectory()) {
        throw new DirectorError("PATH_INVALID", `${path} is not a regular file or a folder.`);
      }
      if (stats.isFile() && stats.nlink > 1) {
        throw new DirectorError("PATH_IS_LINK", `${path} is a hard link to a file that may be outside the site.`);
      }
      const current = stats.mode & 0o777;
      const mode =
        "mode" in change ? change.mode & 0o777 : change.executable ? current | 0o111 : current & ~0o111 & 0o777;
      // fchmod on the handle: the entry we checked, whatever its name points to by now.
      await handle.chmod(mode);
      return { mode };
    } finally {
      await handle.close();
    }
  });
}

/**
 * Removes the entry at `path`: a file or a link as itself, a folder with everything in it (by descriptor,
 * tree-removal.ts). Nothing to do when it is absent; SITE_FILES_BUSY when the site's process keeps filling it.
 */
export async function removeEntry(siteRoot: string, path: SitePath): Promise<void> {
  await withParent(siteRoot, path, async (parent, name) => {
    let folder: FileHandle;
    try {
      folder = await open(pathAt(parent, name), O_RDONLY | constants.O_DIRECTORY | O_NOFOLLOW);
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return;
      // Not a folder: unlink acts on the entry itself, never on what a symlink or a hard link points to.
      if (hasErrorCode(error, "ENOTDIR", "ELOOP")) {
        await unlink(pathAt(parent, name)).catch((unlinkError: unknown) => {
          if (!hasErrorCode(unlinkError, "ENOENT")) throw unlinkError;
        });
        return;
      }
      throw error;
    }
    try {
      await removeTreeContents(folder);
    } finally {
      await folder.close();
    }
    try {
      await rmdir(pathAt(parent, name));
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return;
      if (hasErrorCode(error, "ENOTEMPTY", "EEXIST")) {
        throw new DirectorError("SITE_FILES_BUSY", `Files were added to ${path} while it was removed; try again.`, {
          cause: error,
        });
      }
      // The folder was swapped for a file or a link after it was emptied: remove that entry instead.
      if (hasErrorCode(error, "ENOTDIR")) {
        await unlink(pathAt(parent, name));
        return;
      }
      throw error;
    }
  });
}
