import type { Dirent } from "node:fs";
import { constants } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readdir, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import type { SiteDirectories, SiteVolumes } from "../core/ports.js";
import { legacySharedSiteUid, type SiteUser } from "../core/site-user.js";
import { explainOpenFailure, hasErrorCode, pathAt } from "./directory-walk.js";
import { claimTreeContents } from "./tree-ownership.js";
import { removeTreeContents } from "./tree-removal.js";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;
const directoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

/**
 * Modes of a site's directories. The site directory is the gate: its own account may do anything there, the group
 * nginx workers run in may only pass through it (to public/), everyone else nothing, so no other local account
 * reads private/, run.sh or .home/. public/ is served, hence readable once reached.
 */
const siteDirectoryMode = 0o710;
const subdirectoryModes = { public: 0o755, private: 0o700, ".home": 0o700 } as const;
/** The sites directory: every account may pass through (nginx workers, the site's own), nobody but root lists it. */
const sitesDirectoryMode = 0o711;

/** What FsSiteDirectories needs besides the sites directory. */
export interface FsSiteDirectoriesOptions {
  /** The account that owns site `id`'s files (core/site-user.ts). */
  siteUserOf: (id: SiteId) => SiteUser;
  /** The group of the nginx workers that serve public/, resolved once at `prepare()`. */
  resolveServingGid: () => Promise<number>;
  /** What holds each site to its disk quota (adapters/loop-site-volumes.ts); none: plain directories. */
  volumes?: SiteVolumes;
}

/**
 * Site directories under one root, `<sitesDir>/<id>`, owned by each site's own account. Everything done as root
 * inside a site's tree goes through descriptors (never a path resolved again), because the site's process owns that
 * tree and may change it while we work (issue 8).
 */
export class FsSiteDirectories implements SiteDirectories {
  readonly #sitesDir: string;
  readonly #options: FsSiteDirectoriesOptions;
  #servingGid: number | null = null;

  constructor(sitesDir: string, options: FsSiteDirectoriesOptions) {
    if (!path.isAbsolute(sitesDir)) {
      throw new DirectorError("CONFIG_INVALID", `The sites directory must be an absolute path, not "${sitesDir}".`);
    }
    this.#sitesDir = path.normalize(sitesDir);
    this.#options = options;
  }

  /**
   * Creates the sites directory and checks nginx workers can reach it: they run as an unprivileged user, so every
   * directory from / down to the sites directory must be world-traversable (o+x), or every site answers 403.
   */
  async prepare(): Promise<void> {
    this.#servingGid = await this.#options.resolveServingGid();
    await this.#prepareSitesDirectory();
  }

  async #prepareSitesDirectory(): Promise<void> {
    let created: string | undefined;
    try {
      created = await mkdir(this.#sitesDir, { recursive: true, mode: sitesDirectoryMode });
    } catch (error) {
      if (!hasErrorCode(error, "EEXIST")) throw error;
    }
    const stats = await lstat(this.#sitesDir);
    if (!stats.isDirectory()) {
      throw new DirectorError("CONFIG_INVALID", `The sites directory ${this.#sitesDir} is not a directory.`);
    }
    const sites = await this.#openSitesDirectory();
    try {
      // mkdir's mode is masked by the umask; set it exactly on what we created (the operator's own mode stays).
      if (created !== undefined) await sites.chmod(sitesDirectoryMode);
    } finally {
      await sites.close();
    }
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

  /**
   * Creates the site directory, public/, private/ and .home/ for the site's account; no-op when they are there. A
   * tree from before sites had their own account (owned by root or the shared uid 1000) is given to it first.
   */
  async ensure(id: SiteId, diskQuotaBytes: number | null = null): Promise<void> {
    const user = this.#options.siteUserOf(id);
    await this.#options.volumes?.attach(id, diskQuotaBytes);
    await this.#withSiteDirectory(id, { shouldCreate: true }, async (site) => {
      await this.#adoptOpened(site, user);
      for (const name of Object.keys(subdirectoryModes) as Array<keyof typeof subdirectoryModes>) {
        await makeSubdirectory(site, name, subdirectoryModes[name], user);
      }
      await this.#closeSiteDirectory(site, user);
    });
  }

  async adopt(id: SiteId): Promise<boolean> {
    const user = this.#options.siteUserOf(id);
    let isAdopted = false;
    await this.#withSiteDirectory(id, { shouldCreate: false }, async (site) => {
      isAdopted = await this.#adoptOpened(site, user);
      if (isAdopted) await this.#closeSiteDirectory(site, user);
    });
    return isAdopted;
  }

  /** Gives the open site directory's tree to `user` unless the directory is its already; true when it did. */
  async #adoptOpened(site: FileHandle, user: SiteUser): Promise<boolean> {
    if ((await site.stat()).uid === user.uid) return false;
    // Entries of other uids stay as they are: they were never the site's (and may be hard links to elsewhere).
    await claimTreeContents(site, user, [0, legacySharedSiteUid]);
    for (const name of Object.keys(subdirectoryModes) as Array<keyof typeof subdirectoryModes>) {
      await withSubdirectory(site, name, async (sub) => sub.chmod(subdirectoryModes[name])).catch((error: unknown) => {
        // Not there (a static site never had .home/): ensure makes it.
        if (!(error instanceof DirectorError && error.code === "PATH_NOT_FOUND")) throw error;
      });
    }
    return true;
  }

  /** The site directory's owner, group and mode, set through its descriptor every time (the site may loosen them). */
  async #closeSiteDirectory(site: FileHandle, user: SiteUser): Promise<void> {
    await site.chown(user.uid, this.#servingGidOrThrow());
    await site.chmod(siteDirectoryMode);
  }

  /** Deletes the site's whole tree by descriptor (tree-removal.ts), then its directory; no-op when absent. */
  async remove(id: SiteId): Promise<void> {
    // A volume goes as a whole: nothing inside it is walked, so nothing the site planted there is followed.
    if (await this.#options.volumes?.remove(id)) return;
    const sites = await this.#openSitesDirectory();
    try {
      const name = String(id);
      let site: FileHandle;
      try {
        site = await open(pathAt(sites, name), directoryFlags);
      } catch (error) {
        if (hasErrorCode(error, "ENOENT")) return;
        throw await explainOpenFailure(sites, name, `the directory of site ${id}`, error);
      }
      try {
        await removeTreeContents(site);
      } finally {
        await site.close();
      }
      await rmdir(pathAt(sites, name)).catch((error: unknown) => {
        if (!hasErrorCode(error, "ENOENT")) throw error;
      });
    } finally {
      await sites.close();
    }
  }

  pathOf(id: SiteId): string {
    return path.join(this.#sitesDir, String(id));
  }

  async has(id: SiteId): Promise<boolean> {
    try {
      return (await lstat(this.pathOf(id))).isDirectory();
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return false;
      throw error;
    }
  }

  async list(): Promise<SiteId[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.#sitesDir, { withFileTypes: true });
    } catch (error) {
      if (hasErrorCode(error, "ENOENT")) return [];
      throw error;
    }
    // Only real directories named like a site id; anything else an operator left there is none of ours.
    return entries
      .filter((entry) => entry.isDirectory() && /^[1-9][0-9]{0,14}$/.test(entry.name))
      .map((entry) => parseSiteId(entry.name))
      .sort((a, b) => a - b);
  }

  #servingGidOrThrow(): number {
    if (this.#servingGid === null) {
      throw new DirectorError("CONFIG_INVALID", "The sites directory was not prepared (prepare() before ensure()).");
    }
    return this.#servingGid;
  }

  async #openSitesDirectory(): Promise<FileHandle> {
    // The sites directory is the operator's (root's) own path, not a site's: opening it by path is safe.
    return open(this.#sitesDir, directoryFlags);
  }

  /** Runs `use` on the site's directory, opened (and created when asked) relative to the sites directory. */
  async #withSiteDirectory(
    id: SiteId,
    options: { shouldCreate: boolean },
    use: (site: FileHandle) => Promise<void>,
  ): Promise<void> {
    const sites = await this.#openSitesDirectory();
    try {
      const name = String(id);
      if (options.shouldCreate) {
        // Created closed (0700, root's) and opened before it is given away, so nobody else ever sees it half-made.
        await mkdir(pathAt(sites, name), 0o700).catch((error: unknown) => {
          if (!hasErrorCode(error, "EEXIST")) throw error;
        });
      }
      let site: FileHandle;
      try {
        site = await open(pathAt(sites, name), directoryFlags);
      } catch (error) {
        throw await explainOpenFailure(sites, name, `the directory of site ${id}`, error);
      }
      try {
        await use(site);
      } finally {
        await site.close();
      }
    } finally {
      await sites.close();
    }
  }
}

/** Creates `name` in the open site directory (owned by the site's account, exactly `mode`) unless it is there. */
async function makeSubdirectory(site: FileHandle, name: string, mode: number, user: SiteUser): Promise<void> {
  try {
    // mkdir never follows a symlink at its last component: one planted there makes this fail with EEXIST.
    await mkdir(pathAt(site, name), 0o700);
  } catch (error) {
    if (hasErrorCode(error, "EEXIST")) {
      // There already: the site's own, left as it is, but it must be a real directory.
      await withSubdirectory(site, name, async () => undefined);
      return;
    }
    throw error;
  }
  await withSubdirectory(site, name, async (sub) => {
    // Through the descriptor of what we just made, whatever its name points to by now.
    await sub.chown(user.uid, user.gid);
    await sub.chmod(mode); // mkdir's mode is masked by the umask
  });
}

/** Runs `use` on the subdirectory `name` of the open site directory; a link or a file there is refused. */
async function withSubdirectory(
  site: FileHandle,
  name: string,
  use: (sub: FileHandle) => Promise<void>,
): Promise<void> {
  let sub: FileHandle;
  try {
    sub = await open(pathAt(site, name), directoryFlags);
  } catch (error) {
    const explained = await explainOpenFailure(site, name, name, error);
    if (explained instanceof DirectorError && explained.code !== "PATH_NOT_FOUND") {
      throw new DirectorError(
        explained.code,
        `${name} in the site's directory must be a directory: ${explained.message} Remove it so that it can be made again.`,
        { cause: error },
      );
    }
    throw explained;
  }
  try {
    await use(sub);
  } finally {
    await sub.close();
  }
}
