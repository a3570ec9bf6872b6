/**
 * A directory on a mount that ignores setuid/setgid bits and device files (`nosuid,nodev`). Site processes own their
 * files and can `chmod 4755` them; on a mount without nosuid, any local account that runs such a file becomes the
 * site's account (issue 8). A bind mount of the directory onto itself carries the options without a separate file
 * system, and is what `ensureNosuidNodevMount` makes when the directory is not on such a mount already.
 */
import { readFile, realpath } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";
import { runCommand } from "./run-command.js";

/** One line of /proc/self/mountinfo that matters here. */
export interface MountEntry {
  mountPoint: string;
  /** the per-mount options (ro/rw, nosuid, nodev, noexec, relatime, ...) */
  options: string[];
}

/** The mount options Director needs on the sites directory. */
export const requiredSitesMountOptions = ["nosuid", "nodev"] as const;

/**
 * Parses /proc/self/mountinfo (proc(5)): `id parent major:minor root mountpoint options [optional...] - type source
 * superoptions`. Spaces, tabs, newlines and backslashes in paths are escaped as octal (`\040`).
 */
export function parseMountInfo(text: string): MountEntry[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const fields = line.split(" ");
      return { mountPoint: unescapeOctal(fields[4] ?? ""), options: (fields[5] ?? "").split(",") };
    });
}

function unescapeOctal(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The mount `path` (absolute, symlinks resolved) is on: the last listed mount whose point contains it. */
export function mountOf(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const entry of entries) {
    const point = entry.mountPoint;
    const contains = point === "/" || path === point || path.startsWith(`${point}/`);
    // Later lines are mounted later: a mount over the same point hides the earlier one.
    if (contains && (found === undefined || point.length >= found.mountPoint.length)) found = entry;
  }
  return found;
}

/** The options of the mount `dir` is on, as this process sees it. */
export async function readMountOf(dir: string): Promise<MountEntry> {
  const resolved = await realpath(dir);
  const entry = mountOf(parseMountInfo(await readFile("/proc/self/mountinfo", "utf8")), resolved);
  if (entry === undefined) throw new Error(`No mount holds ${resolved} in /proc/self/mountinfo.`);
  return entry;
}

function isSafe(entry: MountEntry): boolean {
  return requiredSitesMountOptions.every((option) => entry.options.includes(option));
}

/** How `ensureNosuidNodevMount` left the directory; `release` undoes a mount it made (and nothing else). */
export interface SitesMount {
  /** "already": the directory was on a nosuid,nodev mount; "mounted": this call made the bind mount */
  state: "already" | "mounted";
  release(): Promise<void>;
}

/**
 * Makes sure `dir` is on a nosuid,nodev mount: when it is not, bind-mounts it onto itself and remounts that with
 * the options (mount(8), as root), then checks again. Fails with CONFIG_INVALID, saying what to run, when it cannot.
 */
export async function ensureNosuidNodevMount(dir: string): Promise<SitesMount> {
  const resolved = await realpath(dir);
  if (isSafe(await readMountOf(resolved))) return { state: "already", release: async () => undefined };
  const steps: Array<[string, ...string[]]> = [
    ["mount", "--bind", resolved, resolved],
    ["mount", "-o", "remount,bind,nosuid,nodev", resolved],
  ];
  for (const [index, argv] of steps.entries()) {
    const result = await runCommand(argv, { timeoutMs: 15_000 }).catch((error: unknown) => ({
      exitCode: -1,
      stdout: "",
      stderr: error instanceof Error ? error.message : String(error),
    }));
    if (result.exitCode !== 0) {
      if (index > 0) await unmount(resolved);
      throw unsafeMountError(resolved, `${argv.join(" ")} failed: ${result.stderr.trim()}`);
    }
  }
  if (!isSafe(await readMountOf(resolved))) {
    await unmount(resolved);
    throw unsafeMountError(resolved, "the bind mount did not take the options");
  }
  return { state: "mounted", release: () => unmount(resolved) };
}

async function unmount(dir: string): Promise<void> {
  // Lazy: a site container's own bind mount (another mount namespace) never holds this one busy, but a shell might.
  await runCommand(["umount", "-l", dir], { timeoutMs: 15_000 });
}

function unsafeMountError(dir: string, reason: string): DirectorError {
  return new DirectorError(
    "CONFIG_INVALID",
    `The sites directory ${dir} must be on a nosuid,nodev mount, or site files could be setuid programs for every ` +
      `local account (${reason}). As root: mount --bind ${dir} ${dir} && mount -o remount,bind,nosuid,nodev ${dir}, ` +
      "or an fstab line with those options.",
  );
}
