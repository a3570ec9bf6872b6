/**
 * Opening paths inside a site directory without ever leaving it, in Node (which has no openat2/RESOLVE_BENEATH).
 * Each component is opened relative to the already-open parent through `/proc/self/fd/<parentFd>/<name>`: the kernel
 * resolves `/proc/self/fd/N` to the open directory itself, not to its name, so a parent renamed or swapped for a
 * symlink after we opened it cannot redirect the walk; O_NOFOLLOW refuses a symlink at the component being opened.
 */
import { constants } from "node:fs";
import { type FileHandle, lstat, mkdir, open } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;
const directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
const directoryMode = 0o755;

/** The path of `name` inside the directory open as `dir`, resolved by the kernel relative to that open directory. */
export function pathAt(dir: FileHandle, name: string): string {
  return `/proc/self/fd/${dir.fd}/${name}`;
}

/** True for the errno codes Node reports as `code` on a failed system call. */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException | undefined)?.code ?? "");
}

/** Who owns what a walk or a write creates (the site user), or null to keep the caller's own uid and gid. */
export type CreatedFileOwner = { uid: number; gid: number } | null;

/**
 * Opens the directory at `segments` below `rootDir` (the site directory; `[]` opens it itself), creating missing
 * directories (mode 0755, owned by `owner` when given) when `shouldCreate`. The caller closes the returned handle.
 */
export async function openDirectoryBelow(
  rootDir: string,
  segments: readonly string[],
  options: { shouldCreate: boolean; owner?: CreatedFileOwner },
): Promise<FileHandle> {
  let current: FileHandle;
  try {
    current = await open(rootDir, directoryFlags);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) {
      throw new DirectorError("SITE_NOT_FOUND", "The site has no directory yet; create it first.", { cause: error });
    }
    if (hasErrorCode(error, "ELOOP", "ENOTDIR")) {
      throw new DirectorError(
        "PATH_IS_LINK",
        "The site's directory is not a real directory; an operator must check it.",
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  const walked: string[] = [];
  try {
    for (const segment of segments) {
      walked.push(segment);
      const next = await openChildDirectory(current, segment, walked.join("/"), options);
      await current.close();
      current = next;
    }
    return current;
  } catch (error) {
    await current.close();
    throw error;
  }
}

async function openChildDirectory(
  parent: FileHandle,
  name: string,
  shownPath: string,
  options: { shouldCreate: boolean; owner?: CreatedFileOwner },
): Promise<FileHandle> {
  try {
    return await open(pathAt(parent, name), directoryFlags);
  } catch (error) {
    if (!(options.shouldCreate && hasErrorCode(error, "ENOENT")))
      throw await explainOpenFailure(parent, name, shownPath, error);
  }
  try {
    // mkdir never follows a symlink at its last component: if one appeared meanwhile, this fails with EEXIST.
    await mkdir(pathAt(parent, name), directoryMode);
  } catch (error) {
    if (!hasErrorCode(error, "EEXIST")) throw error;
  }
  try {
    const created = await open(pathAt(parent, name), directoryFlags);
    await created.chmod(directoryMode); // mkdir's mode is masked by the umask
    // fchown on the open handle: the directory we just verified, whatever its name points to by now.
    if (options.owner) await created.chown(options.owner.uid, options.owner.gid);
    return created;
  } catch (error) {
    throw await explainOpenFailure(parent, name, shownPath, error);
  }
}

/**
 * Opens the entry `name` of the directory open as `parent` for reading, whatever it is, without following it:
 * O_NOFOLLOW refuses a symlink (PATH_IS_LINK) and O_NONBLOCK keeps a FIFO from hanging the open. The caller checks
 * the handle's type (a FIFO or a device opens too) and closes it.
 */
export async function openEntry(parent: FileHandle, name: string, shownPath: string): Promise<FileHandle> {
  try {
    return await open(pathAt(parent, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    throw await explainOpenFailure(parent, name, shownPath, error);
  }
}

/** Turns a failed open of `name` (inside `parent`) into the DirectorError that says why; unknown failures pass through. */
export async function explainOpenFailure(
  parent: FileHandle,
  name: string,
  shownPath: string,
  error: unknown,
): Promise<unknown> {
  if (hasErrorCode(error, "ENOENT")) {
    return new DirectorError("PATH_NOT_FOUND", `Nothing exists at ${shownPath}.`, { cause: error });
  }
  // O_NOFOLLOW on a symlink gives ELOOP, or ENOTDIR together with O_DIRECTORY; lstat tells the two cases apart.
  if (hasErrorCode(error, "ELOOP", "ENOTDIR")) {
    const stats = await lstat(pathAt(parent, name)).catch((lstatError: unknown) => {
      if (hasErrorCode(lstatError, "ENOENT")) return null;
      throw lstatError;
    });
    if (stats === null || stats.isDirectory()) {
      return new DirectorError("PATH_NOT_FOUND", `${shownPath} changed while it was being opened; try again.`, {
        cause: error,
      });
    }
    if (stats.isSymbolicLink() || hasErrorCode(error, "ELOOP")) {
      return new DirectorError("PATH_IS_LINK", `${shownPath} is a symbolic link; links are not followed.`, {
        cause: error,
      });
    }
    return new DirectorError("PATH_NOT_A_DIRECTORY", `${shownPath} is a file, not a directory.`, { cause: error });
  }
  return error;
}
