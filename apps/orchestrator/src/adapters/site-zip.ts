/**
 * A site's folder (or the whole site) as a zip, streamed: what the workspace's "download as zip" sends.
 *
 * Two passes, both by descriptor below the site directory (directory-walk.ts), never following a symlink:
 * 1. the plan: every folder and every regular file with one link, with its size; refused with ZIP_TOO_LARGE (413)
 *    before a byte is sent when the files or their bytes pass the limits;
 * 2. the stream: each file opened again (O_NOFOLLOW) only when the zip reaches it, so one file is open at a time
 *    whatever the number of files, and read up to the size the plan counted, so a file growing meanwhile cannot
 *    pass the limit.
 * Symlinks, special files and files with other hard links (which may be outside the site) are left out. A file
 * that became something else between the passes goes in empty, and so does a subfolder that did during the plan:
 * the download does not fail for what the site's own process changes meanwhile.
 *
 * Text (by its name: pages, styles, scripts, data, sources) is deflated; everything else is stored as it is. Images,
 * video, fonts and archives are compressed already, and deflate runs at ~37 MiB/s on these machines' cores, against
 * ~130 MiB/s for storing: a site of photos would cost a core per download for nothing (bench/workspace).
 */
import { type FileHandle, lstat, readdir } from "node:fs/promises";
import { Readable } from "node:stream";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import { parseSitePath, type SitePath, sitePathSegments } from "@director/domain/site-path";
import yazl from "yazl";
import type { ZipLimits } from "../core/ports.js";
import { hasErrorCode, openDirectoryBelow, openEntry, pathAt } from "./directory-walk.js";

export interface PlannedFile {
  /** below the zipped folder */
  segments: string[];
  size: number;
  mtime: Date;
  mode: number;
}

export interface ZipPlan {
  folders: string[][];
  files: PlannedFile[];
  bytes: number;
}

/** The zip of `folder` (null: the whole site) below `siteRoot`, as a stream; ZIP_TOO_LARGE before it starts. */
export async function zipFolder(siteRoot: string, folder: SitePath | null, limits: ZipLimits): Promise<Readable> {
  const base = folder === null ? [] : sitePathSegments(parseSitePath(folder));
  const plan = await planZip(siteRoot, base, limits);
  const zip = new yazl.ZipFile();
  for (const segments of plan.folders) zip.addEmptyDirectory(segments.join("/"));
  for (const file of plan.files) {
    zip.addReadStreamLazy(
      file.segments.join("/"),
      { mtime: file.mtime, mode: file.mode, compress: isCompressible(file.segments.at(-1) ?? "") },
      (callback) => {
        openPlanned(siteRoot, [...base, ...file.segments], file.size).then(
          (stream) => callback(null, stream),
          (error: unknown) => callback(error as Error, Readable.from([])),
        );
      },
    );
  }
  zip.end();
  return zip.outputStream as Readable;
}

/** Every folder and file below `base` to take, refused with ZIP_TOO_LARGE past the limits (also site-copy.ts). */
export async function planZip(siteRoot: string, base: string[], limits: ZipLimits): Promise<ZipPlan> {
  const plan: ZipPlan = { folders: [], files: [], bytes: 0 };
  // Breadth first, one directory open at a time: a deep or wide tree holds no more than one descriptor here.
  const pending: string[][] = [[]];
  for (let next = 0; next < pending.length; next++) {
    const relative = pending[next] ?? [];
    let dir: FileHandle;
    try {
      dir = await openDirectoryBelow(siteRoot, [...base, ...relative], { shouldCreate: false });
    } catch (error) {
      // A subfolder gone, or swapped for a link or a file, since its parent was listed (the site's process works
      // while the zip is planned): it goes in empty rather than failing the whole download. The zipped folder
      // itself must be there.
      const isChanged =
        (isDirectorError(error) && error.kind === "user") || hasErrorCode(error, "ENOENT", "ELOOP", "ENOTDIR");
      if (next > 0 && isChanged) continue;
      throw error;
    }
    try {
      const names = (await readdir(pathAt(dir, ""))).sort();
      for (const name of names) {
        if (!isZippableName(name)) continue;
        const stats = await lstat(pathAt(dir, name)).catch((error: unknown) => {
          if (hasErrorCode(error, "ENOENT")) return null;
          throw error;
        });
        if (stats === null) continue;
        const segments = [...relative, name];
        if (stats.isDirectory()) {
          plan.folders.push(segments);
          pending.push(segments);
        } else if (stats.isFile() && stats.nlink === 1) {
          plan.files.push({ segments, size: stats.size, mtime: stats.mtime, mode: stats.mode & 0o777 });
          plan.bytes += stats.size;
        }
        if (plan.files.length > limits.maxFiles || plan.bytes > limits.maxBytes) throw tooLarge(limits);
      }
    } finally {
      await dir.close();
    }
  }
  return plan;
}

/** Names a zip entry can carry as they are: no backslash (a separator to some unzip tools), no control character. */
function isZippableName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return !/[\u0000-\u001f\u007f\\]/.test(name) && !name.includes("\uFFFD");
}

/** The planned file, opened again by descriptor, read up to its planned size; empty when it is no longer one. */
export async function openPlanned(siteRoot: string, segments: string[], size: number): Promise<Readable> {
  const name = segments.at(-1) ?? "";
  let parent: FileHandle;
  try {
    parent = await openDirectoryBelow(siteRoot, segments.slice(0, -1), { shouldCreate: false });
  } catch {
    return Readable.from([]);
  }
  let handle: FileHandle;
  try {
    handle = await openEntry(parent, name, name);
  } catch {
    return Readable.from([]);
  } finally {
    await parent.close();
  }
  const stats = await handle.stat();
  if (!stats.isFile() || stats.nlink !== 1 || size === 0) {
    await handle.close();
    return Readable.from([]);
  }
  // autoClose: the handle closes when the zip has read the stream to its end (or it fails).
  return handle.createReadStream({ start: 0, end: size - 1, autoClose: true });
}

const compressibleName =
  /\.(html?|css|m?js|cjs|jsx|tsx?|json|txt|md|csv|svg|xml|ya?ml|toml|ini|conf|log|sh|py|rb|php|pl|java|c|h|cc|cpp|go|rs|sql|vue|svelte)$/i;

/** Whether a file is text worth deflating, by its name's extension; a name without a known one is stored. */
export function isCompressible(name: string): boolean {
  return compressibleName.test(name);
}

function tooLarge(limits: ZipLimits): DirectorError {
  return new DirectorError(
    "ZIP_TOO_LARGE",
    `A zip may hold at most ${limits.maxFiles} files and ${limits.maxBytes} bytes; download a smaller folder.`,
    { details: { maxFiles: limits.maxFiles, maxBytes: limits.maxBytes } },
  );
}
