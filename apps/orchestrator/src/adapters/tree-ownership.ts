/**
 * Giving a site's existing tree to the site's own account (sites made before each site had its own uid). The same
 * rules as tree-removal.ts: every entry is opened relative to its already-open parent with O_NOFOLLOW, and its owner
 * is changed through that descriptor (fchown), so a symlink or a swap never leads root's chown outside the tree. A
 * regular file with more than one link is left alone: its other name may be outside the site (a hard link the site's
 * process made to a file of the account it used to share), and chown would give that file away.
 */
import { constants } from "node:fs";
import { type FileHandle, open, readdir } from "node:fs/promises";
import type { SiteUser } from "../core/site-user.js";
import { hasErrorCode, pathAt } from "./directory-walk.js";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;

/** How deep the walk goes: each level holds one descriptor; deeper entries keep their owner (and are counted). */
const maxDepth = 256;

/** What a claim changed, for the log. */
export interface TreeClaim {
  changed: number;
  /** entries left as they were: links, special files, hard-linked files, entries too deep */
  skipped: number;
}

/**
 * Changes the owner of the directories and regular files inside `top` (not `top` itself) that belong to one of
 * `fromUids` to `owner`; entries of anyone else are left alone. Symlinks are never followed nor changed.
 */
export async function claimTreeContents(
  top: FileHandle,
  owner: SiteUser,
  fromUids: readonly number[],
): Promise<TreeClaim> {
  const claim: TreeClaim = { changed: 0, skipped: 0 };
  const { dev } = await top.stat();
  await claimDirectory(top, 1, { owner, fromUids, dev, claim });
  return claim;
}

interface ClaimContext {
  owner: SiteUser;
  fromUids: readonly number[];
  dev: number;
  claim: TreeClaim;
}

async function claimDirectory(dir: FileHandle, depth: number, context: ClaimContext): Promise<void> {
  const entries = await readdir(pathAt(dir, ""), { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isSymbolicLink()) {
      context.claim.skipped++;
      continue;
    }
    const handle = await openEntry(dir, entry.name, entry.isDirectory());
    if (handle === null) {
      context.claim.skipped++;
      continue;
    }
    try {
      const stats = await handle.stat();
      const isOwnFile = stats.isFile() && stats.nlink === 1;
      const isOwnDirectory = stats.isDirectory() && stats.dev === context.dev;
      if (!isOwnFile && !isOwnDirectory) {
        context.claim.skipped++;
        continue;
      }
      if (context.fromUids.includes(stats.uid)) {
        await handle.chown(context.owner.uid, context.owner.gid);
        context.claim.changed++;
      }
      if (isOwnDirectory) {
        if (depth < maxDepth) await claimDirectory(handle, depth + 1, context);
        else context.claim.skipped++;
      }
    } finally {
      await handle.close();
    }
  }
}

/**
 * Opens an entry without following a link and without side effects: O_NONBLOCK so that a FIFO cannot hang, O_NOCTTY
 * so that a terminal cannot become ours. Null when it is gone, a link, or cannot be opened (a socket).
 */
async function openEntry(dir: FileHandle, name: string, isDirectory: boolean): Promise<FileHandle | null> {
  const flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | (isDirectory ? O_DIRECTORY : 0);
  try {
    return await open(pathAt(dir, name), flags);
  } catch (error) {
    // ELOOP/ENOTDIR: swapped for a link or a file meanwhile; ENXIO: a socket; EACCES: a device on a nodev mount.
    if (hasErrorCode(error, "ENOENT", "ELOOP", "ENOTDIR", "ENXIO", "EACCES", "EPERM", "EISDIR")) return null;
    throw error;
  }
}
