import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Options for `writeFileAtomic`. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the written file (applied explicitly, so the umask does not narrow them). */
  mode?: number;
  /** Where to stage the content before the rename; must be in the same directory. Default: a unique hidden name. */
  tempPath?: string;
}

/**
 * Replaces `path` with `content` so that readers see the old file or the new one, never a mix:
 * write a temporary file in the same directory (rename is atomic only within one file system),
 * fsync it, rename it over `path`, then fsync the directory so the rename itself survives a crash.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Buffer,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const directory = dirname(path);
  const tempPath = options.tempPath ?? join(directory, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  if (dirname(tempPath) !== directory) {
    throw new Error(`writeFileAtomic: the temporary file ${tempPath} must be in the directory of ${path}.`);
  }
  try {
    const file = await open(tempPath, "w", options.mode ?? 0o644);
    try {
      await file.writeFile(content);
      if (options.mode !== undefined) await file.chmod(options.mode);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tempPath, path);
  } catch (error) {
    await unlink(tempPath).catch((unlinkError: NodeJS.ErrnoException) => {
      // ENOENT: the rename already happened or the file was never created; anything else is worth knowing.
      if (unlinkError.code !== "ENOENT") throw new AggregateError([error, unlinkError], `Could not write ${path}.`);
    });
    throw error;
  }
  await syncDirectory(directory);
}

/** Flushes a directory's entries (new names, renames) to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
