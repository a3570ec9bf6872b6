import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsSiteDirectories } from "./site-directories.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "director-dirs-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("FsSiteDirectories", () => {
  it("lists the site directories (ids only, real directories only) and tells whether one exists", async () => {
    const directories = new FsSiteDirectories(path.join(root, "sites"));
    expect(await directories.list()).toEqual([]); // no sites directory yet
    await chmod(root, 0o755);
    await directories.prepare();
    for (const id of [12, 3]) await directories.ensure(id as SiteId);
    await mkdir(path.join(root, "sites", "notes"));
    await writeFile(path.join(root, "sites", "7"), "a file, not a site");
    await symlink(directories.pathOf(3 as SiteId), path.join(root, "sites", "8"));
    expect(await directories.list()).toEqual([3, 12]);
    expect(await directories.has(3 as SiteId)).toBe(true);
    expect(await directories.has(4 as SiteId)).toBe(false);
    expect(await directories.has(7 as SiteId)).toBe(false);
    expect(await directories.has(8 as SiteId)).toBe(false);
  });

  it("creates the sites directory, then each site's public/ and private/ (0755), idempotently", async () => {
    await chmod(root, 0o755);
    const directories = new FsSiteDirectories(path.join(root, "sites"));
    await directories.prepare();
    await directories.ensure(3 as SiteId);
    await directories.ensure(3 as SiteId);
    const siteDir = directories.pathOf(3 as SiteId);
    expect(siteDir).toBe(path.join(root, "sites", "3"));
    expect((await readdir(siteDir)).sort()).toEqual(["private", "public"]);
    for (const dir of [
      path.join(root, "sites"),
      siteDir,
      path.join(siteDir, "public"),
      path.join(siteDir, "private"),
    ]) {
      expect((await stat(dir)).mode & 0o777).toBe(0o755);
    }
    await directories.remove(3 as SiteId);
    await directories.remove(3 as SiteId);
    expect(await readdir(path.join(root, "sites"))).toEqual([]);
  });

  it("refuses to start when a parent directory is not world-traversable, naming it", async () => {
    // mkdtemp makes 0700 directories: nginx workers (another user) could not reach files below.
    const directories = new FsSiteDirectories(path.join(root, "sites"));
    await expect(directories.prepare()).rejects.toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining(root) }),
    );
  });

  it("refuses a site directory that is a symlink", async () => {
    await chmod(root, 0o755);
    const directories = new FsSiteDirectories(path.join(root, "sites"));
    await directories.prepare();
    await mkdir(path.join(root, "elsewhere"));
    await symlink(path.join(root, "elsewhere"), directories.pathOf(4 as SiteId));
    await expect(directories.ensure(4 as SiteId)).rejects.toThrow(expect.objectContaining({ code: "PATH_IS_LINK" }));
    expect(await readdir(path.join(root, "elsewhere"))).toEqual([]);
  });

  it("refuses a relative sites directory", () => {
    expect(() => new FsSiteDirectories("sites")).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});
