import type { Dirent } from "node:fs";
import { chmod, lstat, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import type { SiteDirectories } from "../core/ports.js";

const directoryMode = 0o755;
/** The directories every site has: public/ is served by the balancer, private/ is not. */
const siteSubdirectories = ["public", "private"] as const;

/** Site directories under one root, `<sitesDir>/<id>`, readable by the (unprivileged) nginx workers. */
export class FsSiteDirectories implements SiteDirectories {
  readonly #sitesDir: string;

  constructor(sitesDir: string) {
    if (!path.isAbsolute(sitesDir)) {
      throw new DirectorError("CONFIG_INVALID", `The sites directory must be an absolute path, not "${sitesDir}".`);
    }
    this.#sitesDir = path.normalize(sitesDir);
  }

  /**
   * Creates the sites directory and checks nginx workers can reach it: they run as an unprivileged user, so every
   * directory from / down to the sites directory must be world-traversable (o+x), or every site answers 403.
   */
  async prepare(): Promise<void> {
    await makeDirectory(this.#sitesDir, { isRecursive: true });
    for (let dir = this.#sitesDir; ; dir = path.dirname(dir)) {
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) {
        throw new DirectorError(
          "CONFIG_INVALID",
          `nginx workers cannot reach site files: ${dir} is not world-traversable (mode ${(mode & 0o777).toString(8)}); run chmod o+x ${dir}.`,
        );
      }
      if (dir === path.dirname(dir)) return;
    }
  }

  async ensure(id: SiteId): Promise<void> {
    const siteDir = this.pathOf(id);
    await makeDirectory(siteDir, { isRecursive: false });
    for (const sub of siteSubdirectories) await makeDirectory(path.join(siteDir, sub), { isRecursive: false });
  }

  async remove(id: SiteId): Promise<void> {
    // rm never follows symlinks inside the tree; force makes an absent directory a no-op.
    await rm(this.pathOf(id), { recursive: true, force: true });
  }

  pathOf(id: SiteId): string {
    return path.join(this.#sitesDir, String(id));
  }

  async has(id: SiteId): Promise<boolean> {
    try {
      return (await lstat(this.pathOf(id))).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  async list(): Promise<SiteId[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.#sitesDir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    // Only real directories named like a site id; anything else an operator left there is none of ours.
    return entries
      .filter((entry) => entry.isDirectory() && /^[1-9][0-9]{0,14}$/.test(entry.name))
      .map((entry) => parseSiteId(entry.name))
      .sort((a, b) => a - b);
  }
}

/** mkdir that tolerates "already there" but refuses anything there that is not a real directory (e.g. a symlink). */
async function makeDirectory(dir: string, options: { isRecursive: boolean }): Promise<void> {
  let created: string | undefined;
  try {
    created = await mkdir(dir, { mode: directoryMode, recursive: options.isRecursive });
    if (!options.isRecursive) created = dir;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stats = await lstat(dir);
  if (!stats.isDirectory()) {
    throw new DirectorError(
      stats.isSymbolicLink() ? "PATH_IS_LINK" : "PATH_NOT_A_DIRECTORY",
      `${dir} is not a directory.`,
    );
  }
  // mkdir's mode is masked by the umask; set it exactly on what we created.
  if (created !== undefined) await chmod(dir, directoryMode);
}
