/** Gives each dynamic site's directory to the site user (uid/gid 1000), the unprivileged user its process runs as. */
import { lchown, lstat, mkdir } from "node:fs/promises";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import type { SiteDirectories, SiteOwnership } from "../core/ports.js";
import { siteUser } from "./local-base-images.js";

/** The directories the site user owns; `.home` is its $HOME (siteUser.home, /site/.home in the task). */
const ownedSubdirectories = ["public", "private", ".home"] as const;

/** Chowns a site's directory and its fixed subdirectories to the site user; idempotent. */
export class FsSiteOwnership implements SiteOwnership {
  readonly #directories: Pick<SiteDirectories, "pathOf">;
  readonly #user: { uid: number; gid: number };

  constructor(directories: Pick<SiteDirectories, "pathOf">, user: { uid: number; gid: number } = siteUser) {
    this.#directories = directories;
    this.#user = user;
  }

  async giveToSiteUser(id: SiteId): Promise<void> {
    const siteDir = this.#directories.pathOf(id);
    await mkdir(path.join(siteDir, ".home"), { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    for (const dir of [siteDir, ...ownedSubdirectories.map((name) => path.join(siteDir, name))]) {
      // The site's process owns these directories, so it may have replaced one with a symlink: lchown never follows
      // one, and only a real directory is chowned at all (a planted link to /etc must not give /etc away).
      const stats = await lstat(dir);
      if (!stats.isDirectory()) continue;
      await lchown(dir, this.#user.uid, this.#user.gid);
    }
  }
}
