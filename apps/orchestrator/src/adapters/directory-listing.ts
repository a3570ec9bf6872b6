/**
 * One page of an open directory's listing: its names read one by one (opendir, a bounded batch at a time, never the
 * whole directory at once as readdir does), the page picked as they come (core/directory-page.ts), then only the
 * page's entries lstat'ed (never followed).
 */
import { type FileHandle, lstat, opendir } from "node:fs/promises";
import type { DirectoryListing, FileEntry } from "@director/contracts/orchestrator-files";
import { type DirectoryPageRequest, DirectoryPageSelector } from "../core/directory-page.js";
import { hasErrorCode, pathAt } from "./directory-walk.js";

/** Directory entries the kernel hands over per read (libuv's uv_fs_readdir batch); Node's default is 32. */
const readBatchEntries = 256;

/** Lists one page of the directory open as `dir` (shown as `path`); the caller keeps and closes `dir`. */
export async function listDirectoryPage(
  dir: FileHandle,
  path: string,
  request: DirectoryPageRequest,
): Promise<DirectoryListing> {
  const selector = new DirectoryPageSelector(request);
  // The open directory itself, through its descriptor: a directory renamed or swapped meanwhile is not followed.
  for await (const entry of await opendir(pathAt(dir, ""), { bufferSize: readBatchEntries })) {
    selector.offer(entry.name);
  }
  const { names, hasMore, total } = selector.page();
  const entries: FileEntry[] = [];
  for (const name of names) {
    const stats = await lstatOrNull(pathAt(dir, name));
    if (stats === null) continue; // removed since it was read
    entries.push({
      name,
      type: stats.isSymbolicLink() ? "symlink" : stats.isDirectory() ? "directory" : stats.isFile() ? "file" : "other",
      sizeBytes: stats.size,
      modifiedAt: stats.mtime.toISOString(),
      mode: stats.mode & 0o7777,
    });
  }
  // The next page starts after the last name picked, even if that entry went away before its lstat.
  return { path, entries, totalEntries: total, nextAfter: hasMore ? (names.at(-1) ?? null) : null };
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return null;
    throw error;
  }
}
