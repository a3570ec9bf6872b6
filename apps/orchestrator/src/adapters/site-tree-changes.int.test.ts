/**
 * The workspace's tree changes (site-tree-changes.ts) on a real filesystem, as root: what they do, and every way out
 * of the site tried through them (symlinks at any component and at the last one, hard links, FIFOs, a folder into
 * itself, a parent swapped for a symlink while the change runs), and the zip of a folder (site-zip.ts), which never
 * carries a byte from outside. The outside directory never changes.
 */
import { execFileSync } from "node:child_process";
import { link, lstat, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { parseSitePath } from "@director/domain/site-path";
import { zipEntries, zipMethods } from "@director/testing/zip-entries";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { siteUserOf } from "../core/site-user.js";
import { fixtureUidBase, makeSiteTreeFixture, type SiteTreeFixture } from "../testing/site-tree-fixture.js";
import { FsSiteFiles } from "./site-files.js";
import { zipFolder } from "./site-zip.js";

const site = 9 as SiteId;
const p = (value: string) => parseSitePath(value);
const code = (expected: string) => expect.objectContaining({ code: expected });
const siteUser = siteUserOf(site, fixtureUidBase);

let fixture: SiteTreeFixture;
let siteDir: string;
let outside: string;
let files: FsSiteFiles;

beforeEach(async () => {
  fixture = await makeSiteTreeFixture(site);
  ({ siteDir, outside } = fixture);
  files = new FsSiteFiles(fixture.directories, { ownerOf: () => ({ uid: siteUser.uid, gid: siteUser.gid }) });
});

afterEach(async () => {
  await fixture.remove();
});

const outsideUnchanged = () => fixture.outsideUnchanged();
const inSite = (relative: string) => path.join(siteDir, relative);

describe("making folders", () => {
  it("makes a folder with its parents, the site's own, and does nothing when it exists", async () => {
    await files.makeDirectory(site, p("public/css/themes"));
    await files.makeDirectory(site, p("public/css/themes"));
    const made = await stat(inSite("public/css/themes"));
    expect(made.isDirectory()).toBe(true);
    expect({ uid: made.uid, gid: made.gid, mode: made.mode & 0o7777 }).toEqual({
      uid: siteUser.uid,
      gid: siteUser.gid,
      mode: 0o755,
    });
  });

  it("refuses through a symlinked folder and over a file", async () => {
    await symlink(outside, inSite("out"));
    await expect(files.makeDirectory(site, p("out/new"))).rejects.toEqual(code("PATH_IS_LINK"));
    await writeFile(inSite("file"), "x");
    await expect(files.makeDirectory(site, p("file"))).rejects.toEqual(code("PATH_NOT_A_DIRECTORY"));
    await outsideUnchanged();
  });
});

describe("moving", () => {
  it("renames a file and moves a folder with its contents", async () => {
    await files.write(site, p("public/a.html"), Buffer.from("a"));
    await files.write(site, p("old/deep/x.txt"), Buffer.from("x"));
    await files.move(site, p("public/a.html"), p("public/b.html"));
    await files.makeDirectory(site, p("public/archive"));
    await files.move(site, p("old"), p("public/archive/old"));
    expect(await readFile(inSite("public/b.html"), "utf8")).toBe("a");
    expect(await readFile(inSite("public/archive/old/deep/x.txt"), "utf8")).toBe("x");
    await expect(lstat(inSite("old"))).rejects.toThrow();
  });

  it("refuses an existing target, a missing source, a missing target folder and a folder into itself", async () => {
    await files.write(site, p("a.txt"), Buffer.from("a"));
    await files.write(site, p("b.txt"), Buffer.from("b"));
    await files.write(site, p("dir/inner/f"), Buffer.from("f"));
    await expect(files.move(site, p("a.txt"), p("b.txt"))).rejects.toEqual(code("PATH_EXISTS"));
    await expect(files.move(site, p("a.txt"), p("dir/inner"))).rejects.toEqual(code("PATH_EXISTS"));
    await expect(files.move(site, p("none.txt"), p("c.txt"))).rejects.toEqual(code("PATH_NOT_FOUND"));
    await expect(files.move(site, p("a.txt"), p("nowhere/a.txt"))).rejects.toEqual(code("PATH_NOT_FOUND"));
    await expect(files.move(site, p("dir"), p("dir/inner/dir"))).rejects.toEqual(code("PATH_INVALID"));
    expect(await readFile(inSite("b.txt"), "utf8")).toBe("b");
    expect(await readFile(inSite("dir/inner/f"), "utf8")).toBe("f");
  });

  it("never moves anything out through a symlinked folder, and moves a symlink as itself", async () => {
    await files.write(site, p("public/page.html"), Buffer.from("page"));
    await symlink(outside, inSite("out"));
    await expect(files.move(site, p("public/page.html"), p("out/page.html"))).rejects.toEqual(code("PATH_IS_LINK"));
    await expect(files.move(site, p("out/secret.txt"), p("public/secret.txt"))).rejects.toEqual(code("PATH_IS_LINK"));
    // the link itself is renamed; what it points to stays where it is
    await files.move(site, p("out"), p("elsewhere"));
    expect(await readlink(inSite("elsewhere"))).toBe(outside);
    await outsideUnchanged();
    expect(await readFile(inSite("public/page.html"), "utf8")).toBe("page");
  });

  it("never moves into the outside while the target folder is swapped for a symlink and back (race)", async () => {
    await files.makeDirectory(site, p("target"));
    await files.makeDirectory(site, p("parked"));
    let swapping = true;
    const swapper = (async () => {
      while (swapping) {
        await rename(inSite("target"), inSite("parked/target")).catch(() => {});
        await symlink(outside, inSite("target")).catch(() => {});
        await rm(inSite("target"), { force: true }).catch(() => {});
        await rename(inSite("parked/target"), inSite("target")).catch(() => {});
      }
    })();
    for (let round = 0; round < 200; round++) {
      await files.write(site, p(`moved-${round}.txt`), Buffer.from("m"));
      await files.move(site, p(`moved-${round}.txt`), p(`target/moved-${round}.txt`)).catch(() => {});
    }
    swapping = false;
    await swapper;
    await outsideUnchanged();
  });
});

describe("changing modes", () => {
  it("sets exact bits masked to 0777, and adds or takes execute permission", async () => {
    await files.write(site, p("run.sh"), Buffer.from("#!/bin/sh\n"));
    expect(await files.changeMode(site, p("run.sh"), { executable: true })).toEqual({ mode: 0o755 });
    expect((await stat(inSite("run.sh"))).mode & 0o7777).toBe(0o755);
    expect(await files.changeMode(site, p("run.sh"), { executable: false })).toEqual({ mode: 0o644 });
    // setuid, setgid and sticky are never set, whatever is asked
    expect(await files.changeMode(site, p("run.sh"), { mode: 0o7755 })).toEqual({ mode: 0o755 });
    expect((await stat(inSite("run.sh"))).mode & 0o7777).toBe(0o755);
    await files.makeDirectory(site, p("private"));
    expect(await files.changeMode(site, p("private"), { mode: 0o700 })).toEqual({ mode: 0o700 });
    expect((await stat(inSite("private"))).mode & 0o7777).toBe(0o700);
  });

  it("refuses a symlink (to a file outside), a hard link to a file outside and a FIFO", async () => {
    await symlink(path.join(outside, "secret.txt"), inSite("link.txt"));
    await expect(files.changeMode(site, p("link.txt"), { mode: 0o777 })).rejects.toEqual(code("PATH_IS_LINK"));
    await link(path.join(outside, "secret.txt"), inSite("hard.txt"));
    await expect(files.changeMode(site, p("hard.txt"), { mode: 0o666 })).rejects.toEqual(code("PATH_IS_LINK"));
    execFileSync("mkfifo", [inSite("pipe")]);
    await expect(files.changeMode(site, p("pipe"), { mode: 0o777 })).rejects.toEqual(code("PATH_INVALID"));
    await symlink(outside, inSite("out"));
    await expect(files.changeMode(site, p("out/secret.txt"), { mode: 0o666 })).rejects.toEqual(code("PATH_IS_LINK"));
    await outsideUnchanged();
  });
});

describe("removing folders", () => {
  it("removes a folder with everything in it, a file, a link as itself, and nothing when absent", async () => {
    await files.write(site, p("old/a/b/c.txt"), Buffer.from("c"));
    await files.write(site, p("old/d.txt"), Buffer.from("d"));
    await files.write(site, p("keep.txt"), Buffer.from("k"));
    await symlink(outside, inSite("old/a/out"));
    await link(path.join(outside, "secret.txt"), inSite("old/hard.txt"));
    execFileSync("mkfifo", [inSite("old/a/pipe")]);
    await files.removeTree(site, p("old"));
    await expect(lstat(inSite("old"))).rejects.toThrow();
    await symlink(outside, inSite("out"));
    await files.removeTree(site, p("out"));
    await expect(lstat(inSite("out"))).rejects.toThrow();
    await files.removeTree(site, p("keep.txt"));
    await files.removeTree(site, p("never-was"));
    expect(await readdir(siteDir)).toEqual(expect.not.arrayContaining(["keep.txt", "old", "out"]));
    await outsideUnchanged();
  });

  it("never removes anything outside through a symlinked folder", async () => {
    await symlink(outside, inSite("out"));
    await files.removeTree(site, p("out/secret.txt")).catch((error: unknown) => {
      expect(error).toEqual(code("PATH_IS_LINK"));
    });
    await outsideUnchanged();
  });
});

describe("zipping", () => {
  const limits = { maxFiles: 100, maxBytes: 1024 * 1024 };

  it("zips a folder or the whole site with folders and files, leaving out links and special files", async () => {
    await files.write(site, p("public/index.html"), Buffer.from("<h1>hi</h1>"));
    await files.write(site, p("public/css/site.css"), Buffer.from("body{}"));
    await files.makeDirectory(site, p("public/empty"));
    await symlink(outside, inSite("public/out"));
    await symlink(path.join(outside, "secret.txt"), inSite("public/secret.txt"));
    await link(path.join(outside, "secret.txt"), inSite("public/hard.txt"));
    execFileSync("mkfifo", [inSite("public/pipe")]);
    expect(await zipEntries(await zipFolder(siteDir, p("public"), limits))).toEqual({
      "css/": "",
      "empty/": "",
      "css/site.css": "body{}",
      "index.html": "<h1>hi</h1>",
    });
    const whole = await zipEntries(await zipFolder(siteDir, null, limits));
    expect(whole["public/index.html"]).toBe("<h1>hi</h1>");
    expect(Object.values(whole)).not.toContain("secret");
    await outsideUnchanged();
  });

  it("deflates text and stores the rest (images and archives are compressed already)", async () => {
    await files.write(site, p("public/index.html"), Buffer.from("<p>text</p>".repeat(100)));
    await files.write(site, p("public/photo.jpg"), Buffer.alloc(1000, 1));
    await files.write(site, p("run.sh"), Buffer.from("#!/bin/sh\n"));
    await files.write(site, p("data"), Buffer.from("no extension"));
    expect(await zipMethods(await zipFolder(siteDir, null, limits))).toMatchObject({
      "public/": "stored",
      "public/index.html": "deflated",
      "public/photo.jpg": "stored",
      "run.sh": "deflated",
      data: "stored",
    });
  });

  it("refuses a folder past the limits before it starts, and a symlinked folder", async () => {
    for (let index = 0; index < 5; index++) await files.write(site, p(`many/${index}.txt`), Buffer.from("12345"));
    await expect(zipFolder(siteDir, p("many"), { maxFiles: 4, maxBytes: 1000 })).rejects.toEqual(code("ZIP_TOO_LARGE"));
    await expect(zipFolder(siteDir, p("many"), { maxFiles: 10, maxBytes: 24 })).rejects.toEqual(code("ZIP_TOO_LARGE"));
    expect(
      Object.keys(await zipEntries(await zipFolder(siteDir, p("many"), { maxFiles: 5, maxBytes: 25 }))),
    ).toHaveLength(5);
    await symlink(outside, inSite("out"));
    await expect(zipFolder(siteDir, p("out"), limits)).rejects.toEqual(code("PATH_IS_LINK"));
    await expect(zipFolder(siteDir, p("none"), limits)).rejects.toEqual(code("PATH_NOT_FOUND"));
  });

  it("zips the whole site while a folder is swapped for a link to outside and back, never failing, never outside (race)", async () => {
    await files.write(site, p("public/swap/inside.txt"), Buffer.from("inside"));
    await files.makeDirectory(site, p("parked"));
    let swapping = true;
    const swapper = (async () => {
      while (swapping) {
        await rename(inSite("public/swap"), inSite("parked/swap")).catch(() => {});
        await symlink(outside, inSite("public/swap")).catch(() => {});
        await rm(inSite("public/swap"), { force: true }).catch(() => {});
        await rename(inSite("parked/swap"), inSite("public/swap")).catch(() => {});
      }
    })();
    try {
      // up to 100 rounds, as many as fit in 15 s on a busy machine (each reads the zip with Python), at least 10
      const deadline = Date.now() + 15_000;
      for (let round = 0; round < 100 && (round < 10 || Date.now() < deadline); round++) {
        const entries = await zipEntries(await zipFolder(siteDir, null, limits));
        expect(Object.values(entries).filter((text) => text.includes("secret"))).toEqual([]);
      }
    } finally {
      swapping = false;
      await swapper;
    }
    await outsideUnchanged();
  });

  it("puts in a file swapped for a symlink or a hard link to a secret after the plan as empty, never the secret", async () => {
    // A first file larger than the zip's buffers holds the zip back (nobody reads it yet) until the swaps are done.
    await files.write(site, p("public/0-large.bin"), Buffer.alloc(512 * 1024, "x"));
    await files.write(site, p("public/a.txt"), Buffer.from("aaaa"));
    await files.write(site, p("public/b.txt"), Buffer.from("bbbb"));
    const zip = await zipFolder(siteDir, p("public"), limits);
    await rm(inSite("public/a.txt"));
    await symlink(path.join(outside, "secret.txt"), inSite("public/a.txt"));
    await rm(inSite("public/b.txt"));
    await link(path.join(outside, "secret.txt"), inSite("public/b.txt"));
    const entries = await zipEntries(zip);
    expect({ a: entries["a.txt"], b: entries["b.txt"] }).toEqual({ a: "", b: "" });
    expect(entries["0-large.bin"]).toHaveLength(512 * 1024);
    await outsideUnchanged();
  });
});
