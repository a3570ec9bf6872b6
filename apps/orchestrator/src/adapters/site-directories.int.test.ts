import { spawn } from "node:child_process";
import { chmod, chown, link, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SiteUser, siteUserOf } from "../core/site-user.js";
import { FsSiteDirectories } from "./site-directories.js";

const uidBase = 1_500_000_000;
const servingGid = 33; // www-data's group on Debian; any group works here
const userOf = (id: number): SiteUser => siteUserOf(id as SiteId, uidBase);
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "director-dirs-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function preparedDirectories(): Promise<FsSiteDirectories> {
  await chmod(root, 0o755);
  const directories = new FsSiteDirectories(path.join(root, "sites"), {
    siteUserOf: (id) => userOf(id),
    resolveServingGid: async () => servingGid,
  });
  await directories.prepare();
  return directories;
}

async function ownerAndMode(file: string): Promise<{ uid: number; gid: number; mode: string }> {
  const stats = await lstat(file);
  return { uid: stats.uid, gid: stats.gid, mode: (stats.mode & 0o7777).toString(8) };
}

describe("FsSiteDirectories", () => {
  it("lists the site directories (ids only, real directories only) and tells whether one exists", async () => {
    const unprepared = new FsSiteDirectories(path.join(root, "sites"), {
      siteUserOf: (id) => userOf(id),
      resolveServingGid: async () => servingGid,
    });
    expect(await unprepared.list()).toEqual([]); // no sites directory yet
    const directories = await preparedDirectories();
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

  it("gives each site its own account, closes the site directory to everyone but nginx's group, idempotently", async () => {
    const directories = await preparedDirectories();
    await directories.ensure(3 as SiteId);
    await directories.ensure(3 as SiteId);
    await directories.ensure(4 as SiteId);
    const siteDir = directories.pathOf(3 as SiteId);
    expect(siteDir).toBe(path.join(root, "sites", "3"));
    expect((await readdir(siteDir)).sort()).toEqual([".home", "private", "public"]);
    const { uid, gid } = userOf(3);
    expect(await ownerAndMode(path.join(root, "sites"))).toEqual({ uid: 0, gid: 0, mode: "711" });
    // Nobody but the site's account lists or reads it; nginx's workers may only pass through to public/.
    expect(await ownerAndMode(siteDir)).toEqual({ uid, gid: servingGid, mode: "710" });
    expect(await ownerAndMode(path.join(siteDir, "public"))).toEqual({ uid, gid, mode: "755" });
    expect(await ownerAndMode(path.join(siteDir, "private"))).toEqual({ uid, gid, mode: "700" });
    expect(await ownerAndMode(path.join(siteDir, ".home"))).toEqual({ uid, gid, mode: "700" });
    expect((await lstat(directories.pathOf(4 as SiteId))).uid).toBe(userOf(4).uid);

    // The site's process owns its directory and may loosen it; the next ensure closes it again.
    await chmod(siteDir, 0o777);
    await chown(siteDir, uid, gid);
    await directories.ensure(3 as SiteId);
    expect(await ownerAndMode(siteDir)).toEqual({ uid, gid: servingGid, mode: "710" });

    await directories.remove(3 as SiteId);
    await directories.remove(3 as SiteId);
    expect(await readdir(path.join(root, "sites"))).toEqual(["4"]);
  });

  it("gives a site made before per-site accounts its whole tree, except what was never the site's", async () => {
    const directories = await preparedDirectories();
    // The old layout: root's directories, the shared uid 1000's files.
    const siteDir = path.join(root, "sites", "5");
    await mkdir(path.join(siteDir, "public", "css"), { recursive: true, mode: 0o755 });
    await mkdir(path.join(siteDir, "private"), { mode: 0o755 });
    await mkdir(path.join(root, "outside"));
    await writeFile(path.join(root, "outside", "host-file"), "the host's");
    await chown(path.join(root, "outside", "host-file"), 1000, 1000);
    await writeFile(path.join(siteDir, "public", "css", "site.css"), "body{}");
    await writeFile(path.join(siteDir, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(path.join(siteDir, "private", "someone-else"), "x");
    for (const file of ["public/css/site.css", "run.sh", "public/css", "public"]) {
      await chown(path.join(siteDir, file), 1000, 1000);
    }
    await chown(path.join(siteDir, "private", "someone-else"), 4242, 4242);
    // A hard link to a file outside (the site used to run as that file's owner) and a symlink to the outside.
    await link(path.join(root, "outside", "host-file"), path.join(siteDir, "private", "hard-link"));
    await symlink(path.join(root, "outside"), path.join(siteDir, "public", "to-outside"));

    await directories.ensure(5 as SiteId);
    const { uid, gid } = userOf(5);
    for (const file of ["public", "public/css", "public/css/site.css", "run.sh", "private"]) {
      expect((await ownerAndMode(path.join(siteDir, file))).uid, file).toBe(uid);
    }
    expect(await ownerAndMode(path.join(siteDir, "private"))).toEqual({ uid, gid, mode: "700" });
    expect(await ownerAndMode(siteDir)).toEqual({ uid, gid: servingGid, mode: "710" });
    // Never the site's: left to their owners, and nothing outside changed hands.
    expect((await lstat(path.join(siteDir, "private", "someone-else"))).uid).toBe(4242);
    expect(await lstat(path.join(root, "outside", "host-file"))).toMatchObject({ uid: 1000, nlink: 2 });
    expect((await lstat(path.join(root, "outside"))).uid).toBe(0);
  });

  it("refuses to start when a parent directory is not world-traversable, naming it", async () => {
    // mkdtemp makes 0700 directories: nginx workers (another user) could not reach files below.
    const directories = new FsSiteDirectories(path.join(root, "sites"), {
      siteUserOf: (id) => userOf(id),
      resolveServingGid: async () => servingGid,
    });
    await expect(directories.prepare()).rejects.toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringContaining(root) }),
    );
  });

  it("refuses a site directory that is a symlink, and a public/ the site replaced with one", async () => {
    const directories = await preparedDirectories();
    await mkdir(path.join(root, "elsewhere"));
    await symlink(path.join(root, "elsewhere"), directories.pathOf(4 as SiteId));
    await expect(directories.ensure(4 as SiteId)).rejects.toThrow(expect.objectContaining({ code: "PATH_IS_LINK" }));
    expect(await readdir(path.join(root, "elsewhere"))).toEqual([]);

    await directories.ensure(6 as SiteId);
    const publicDir = path.join(directories.pathOf(6 as SiteId), "public");
    await rm(publicDir, { recursive: true });
    await symlink(path.join(root, "elsewhere"), publicDir);
    await expect(directories.ensure(6 as SiteId)).rejects.toThrow(
      expect.objectContaining({ code: "PATH_IS_LINK", message: expect.stringContaining("public") }),
    );
    expect(await lstat(path.join(root, "elsewhere"))).toMatchObject({ uid: 0, gid: 0 });
  });

  it("refuses a relative sites directory", () => {
    expect(
      () => new FsSiteDirectories("sites", { siteUserOf: (id) => userOf(id), resolveServingGid: async () => 0 }),
    ).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});

describe("FsSiteDirectories.remove", () => {
  it("removes a deep tree, links (never their targets), FIFOs and files without write permission", async () => {
    const directories = await preparedDirectories();
    await directories.ensure(9 as SiteId);
    const siteDir = directories.pathOf(9 as SiteId);
    const outside = path.join(root, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "keep.txt"), "keep");
    // 300 levels: deeper than the removal keeps open at once, so part of it is moved up and removed from there.
    let deep = path.join(siteDir, "private");
    for (let level = 0; level < 300; level++) deep = path.join(deep, "d");
    await mkdir(deep, { recursive: true });
    await writeFile(path.join(deep, "bottom.txt"), "bottom");
    await symlink(outside, path.join(siteDir, "public", "link-to-outside"));
    await symlink(path.join(outside, "keep.txt"), path.join(siteDir, "public", "file-link"));
    const locked = path.join(siteDir, "public", "locked");
    await mkdir(locked);
    await writeFile(path.join(locked, "f"), "x");
    await chmod(locked, 0o500);
    const fifo = spawn("mkfifo", [path.join(siteDir, "public", "fifo")]);
    await new Promise((resolve) => fifo.on("exit", resolve));

    await directories.remove(9 as SiteId);
    expect(await directories.has(9 as SiteId)).toBe(false);
    expect(await readFile(path.join(outside, "keep.txt"), "utf8")).toBe("keep");
  });

  it("never deletes outside the site while the site's account swaps its directories for symlinks", async () => {
    const directories = await preparedDirectories();
    const canary = path.join(root, "canary");
    await mkdir(canary);
    const canaryFiles = Array.from({ length: 50 }, (_, index) => `file-${index}`);
    for (const name of canaryFiles) await writeFile(path.join(canary, name), name);

    for (let attempt = 0; attempt < 2; attempt++) {
      const id = (20 + attempt) as SiteId;
      await directories.ensure(id);
      const publicDir = path.join(directories.pathOf(id), "public");
      // 600 directories of 5 files each, owned by the site as its process would have made them.
      const { uid, gid } = userOf(id);
      for (let index = 0; index < 600; index++) {
        const dir = path.join(publicDir, `d${index}`);
        await mkdir(dir);
        for (let file = 0; file < 5; file++) await writeFile(path.join(dir, `f${file}`), "x");
      }
      await spawnAs(uid, gid, ["chown", "-R", `${uid}:${gid}`, publicDir], true);
      // The attacker: the site's own account, flipping each directory with a symlink to the canary, over and over.
      const racer = spawnAs(uid, gid, [process.execPath, "-e", racerScript, publicDir, canary]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const failure = await directories.remove(id).then(
        () => null,
        (error: unknown) => error,
      );
      racer.kill();
      expect((await readdir(canary)).sort()).toEqual([...canaryFiles].sort());
      // SITE_FILES_BUSY is acceptable while the attacker keeps changing the tree; escaping it is not.
      if (failure !== null) expect(failure).toMatchObject({ code: "SITE_FILES_BUSY" });
      await directories.remove(id); // the racer is gone: this one finishes
      expect(await directories.has(id)).toBe(false);
    }
  }, 120_000);
});

/**
 * Node, as the site's account: 50 directories of public/ at a time, rename each away and put a symlink to the canary
 * in its place, then put them back, over and over; errors (the deletion removed something) are ignored.
 */
const racerScript = `
const fs = require("fs");
const [dir, canary] = process.argv.slice(1);
for (;;) {
  let names;
  try { names = fs.readdirSync(dir).filter((name) => !name.endsWith(".x")); } catch { process.exit(0); }
  for (let start = 0; start < names.length; start += 50) {
    const batch = names.slice(start, start + 50).map((name) => dir + "/" + name);
    for (const target of batch) { try { fs.renameSync(target, target + ".x"); fs.symlinkSync(canary, target); } catch {} }
    for (const target of batch) { try { fs.unlinkSync(target); fs.renameSync(target + ".x", target); } catch {} }
  }
}
`;

function spawnAs(uid: number, gid: number, argv: string[], isAsRoot = false) {
  const [program, ...args] = argv as [string, ...string[]];
  const child = spawn(program, args, { stdio: "ignore", cwd: "/", ...(isAsRoot ? {} : { uid, gid }) });
  return Object.assign(new Promise<void>((resolve) => child.on("exit", () => resolve())), {
    kill: () => child.kill("SIGKILL"),
  });
}
