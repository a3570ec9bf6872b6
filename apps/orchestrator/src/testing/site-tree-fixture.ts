/**
 * For the file service's integration tests: one site's directory prepared as production prepares it, in a temporary
 * root, beside an `outside` directory holding a secret that no file operation may read, change or remove.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { expect } from "vitest";
import { FsSiteDirectories } from "../adapters/site-directories.js";
import { siteUserOf } from "../core/site-user.js";

/** The uid range the fixture's site users come from (no such accounts need to exist). */
export const fixtureUidBase = 1_500_000_000;

export interface SiteTreeFixture {
  root: string;
  directories: FsSiteDirectories;
  siteDir: string;
  outside: string;
  /** fails the test unless the outside directory holds only its secret, with its content and its 0600 mode */
  outsideUnchanged(): Promise<void>;
  remove(): Promise<void>;
}

export async function makeSiteTreeFixture(site: SiteId): Promise<SiteTreeFixture> {
  const root = await mkdtemp(path.join(tmpdir(), "director-files-"));
  await chmod(root, 0o755);
  const directories = new FsSiteDirectories(path.join(root, "sites"), {
    siteUserOf: (id) => siteUserOf(id, fixtureUidBase),
    resolveServingGid: async () => 33,
  });
  await directories.prepare();
  await directories.ensure(site);
  const outside = path.join(root, "outside");
  await mkdir(outside);
  const secret = path.join(outside, "secret.txt");
  await writeFile(secret, "secret");
  await chmod(secret, 0o600);
  return {
    root,
    directories,
    siteDir: directories.pathOf(site),
    outside,
    async outsideUnchanged() {
      expect(await readdir(outside)).toEqual(["secret.txt"]);
      expect(await readFile(secret, "utf8")).toBe("secret");
      expect((await stat(secret)).mode & 0o7777).toBe(0o600);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
