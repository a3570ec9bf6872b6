import { execFileSync } from "node:child_process";
import { link, mkdir, readdir, readFile, rename, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeSiteTreeFixture, type SiteTreeFixture } from "../testing/site-tree-fixture.js";
import { FsSiteFiles } from "./site-files.js";

const site = 7 as SiteId;
const p = (value: string) => parseSitePath(value);
/** A path that skipped the parser, to prove the adapter checks again. */
const unchecked = (value: string) => value as SitePath;
const code = (expected: string) => expect.objectContaining({ code: expected });

let fixture: SiteTreeFixture;
let root: string;
let siteDir: string;
let outside: string;
let files: FsSiteFiles;

beforeEach(async () => {
  fixture = await makeSiteTreeFixture(site);
  ({ root, siteDir, outside } = fixture);
  files = new FsSiteFiles(fixture.directories);
});

afterEach(async () => {
  await fixture.remove();
});

const outsideUnchanged = () => fixture.outsideUnchanged();

describe("FsSiteFiles: ordinary use", () => {
  it("writes a file with its parents, reads it back and lists it", async () => {
    expect(await files.write(site, p("public/a/b/index.html"), Buffer.from("<h1>hi</h1>"))).toEqual({
      path: "public/a/b/index.html",
      sizeBytes: 11,
      modifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await files.read(site, p("public/a/b/index.html"), 100)).toEqual({
      kind: "file",
      bytes: Buffer.from("<h1>hi</h1>"),
    });
    expect((await stat(path.join(siteDir, "public/a/b/index.html"))).mode & 0o777).toBe(0o644);
    expect((await stat(path.join(siteDir, "public/a"))).mode & 0o777).toBe(0o755);
    const listing = await files.list(site, p("public/a/b"));
    expect(listing.path).toBe("public/a/b");
    expect(listing.entries).toEqual([
      expect.objectContaining({ name: "index.html", type: "file", sizeBytes: 11, mode: 0o644 }),
    ]);
    expect(await readdir(path.join(siteDir, "public/a/b"))).toEqual(["index.html"]); // no temporary file left
  });

  it("gives what it creates to the site's own account, so the site's process can edit uploads", async () => {
    const owned = new FsSiteFiles({ pathOf: () => siteDir }, { ownerOf: (id) => ({ uid: 1000 + id, gid: 1001 + id }) });
    await owned.write(site, p("private/new/dir/run.sh"), Buffer.from("#!/bin/sh\n"), { mode: 0o755 });
    for (const created of ["private/new", "private/new/dir", "private/new/dir/run.sh"]) {
      const stats = await stat(path.join(siteDir, created));
      expect([created, stats.uid, stats.gid]).toEqual([created, 1000 + site, 1001 + site]);
    }
    // Without an owner, the writer's own ids (root's here) are kept, as before.
    await files.write(site, p("public/plain.txt"), Buffer.from("x"));
    expect((await stat(path.join(siteDir, "public/plain.txt"))).uid).toBe(process.getuid?.());
  });

  it("replaces a file atomically and lists the site directory for a null path", async () => {
    await files.write(site, p("public/x.txt"), Buffer.from("one"));
    await files.write(site, p("public/x.txt"), Buffer.from("two"));
    expect(await readFile(path.join(siteDir, "public/x.txt"), "utf8")).toBe("two");
    const listing = await files.list(site, null);
    expect(listing.entries.map((entry) => [entry.name, entry.type])).toEqual([
      [".home", "directory"],
      ["private", "directory"],
      ["public", "directory"],
    ]);
  });

  it("saves over the version it names only (ifModifiedAt), and answers the new version", async () => {
    const first = await files.write(site, p("public/a.txt"), Buffer.from("one"));
    const listed = await files.list(site, p("public"));
    expect(listed.entries.find((entry) => entry.name === "a.txt")?.modifiedAt).toBe(first.modifiedAt);
    const second = await files.write(site, p("public/a.txt"), Buffer.from("two"), { ifModifiedAt: first.modifiedAt });
    // Changed on disk meanwhile (a terminal, the site's process): the save from the older version is refused.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await writeFile(path.join(siteDir, "public", "a.txt"), "changed in a terminal");
    await expect(
      files.write(site, p("public/a.txt"), Buffer.from("three"), { ifModifiedAt: second.modifiedAt }),
    ).rejects.toThrow(code("FILE_CHANGED"));
    expect(await readFile(path.join(siteDir, "public", "a.txt"), "utf8")).toBe("changed in a terminal");
    // Removed meanwhile: refused too, and nothing is made.
    await rm(path.join(siteDir, "public", "a.txt"));
    await expect(
      files.write(site, p("public/a.txt"), Buffer.from("four"), { ifModifiedAt: second.modifiedAt }),
    ).rejects.toThrow(code("FILE_CHANGED"));
    await expect(readFile(path.join(siteDir, "public", "a.txt"))).rejects.toThrow();
  });

  it("answers a listing when reading a directory", async () => {
    const content = await files.read(site, p("public"), 100);
    expect(content).toEqual({
      kind: "directory",
      listing: { path: "public", entries: [], totalEntries: 0, nextAfter: null },
    });
  });

  it("refuses to read more than maxBytes", async () => {
    await files.write(site, p("public/big.bin"), Buffer.alloc(101));
    await expect(files.read(site, p("public/big.bin"), 100)).rejects.toThrow(code("FILE_TOO_LARGE"));
  });

  it("reports missing paths, files used as directories and directories used as files", async () => {
    await files.write(site, p("public/index.html"), Buffer.from("x"));
    await expect(files.read(site, p("public/missing.html"), 100)).rejects.toThrow(code("PATH_NOT_FOUND"));
    await expect(files.read(site, p("nothing/here"), 100)).rejects.toThrow(code("PATH_NOT_FOUND"));
    await expect(files.read(site, p("public/index.html/x"), 100)).rejects.toThrow(code("PATH_NOT_A_DIRECTORY"));
    await expect(files.write(site, p("public/index.html/x"), Buffer.from("y"))).rejects.toThrow(
      code("PATH_NOT_A_DIRECTORY"),
    );
    await expect(files.list(site, p("public/index.html"))).rejects.toThrow(code("PATH_NOT_A_DIRECTORY"));
    await expect(files.write(site, p("public"), Buffer.from("y"))).rejects.toThrow(code("PATH_IS_DIRECTORY"));
    await expect(files.read(99 as SiteId, p("public/x"), 100)).rejects.toThrow(code("SITE_NOT_FOUND"));
  });

  it("removes files and empty directories, refuses non-empty ones, and is a no-op when absent", async () => {
    await files.write(site, p("public/d/f.txt"), Buffer.from("x"));
    await expect(files.remove(site, p("public/d"))).rejects.toThrow(code("PATH_IS_DIRECTORY"));
    await files.remove(site, p("public/d/f.txt"));
    await files.remove(site, p("public/d"));
    await files.remove(site, p("public/d"));
    await files.remove(site, p("public/no/such/file"));
    expect(await readdir(path.join(siteDir, "public"))).toEqual([]);
  });

  it("refuses special files such as a FIFO", async () => {
    execFileSync("mkfifo", [path.join(siteDir, "public/pipe")]);
    await expect(files.read(site, p("public/pipe"), 100)).rejects.toThrow(code("PATH_INVALID"));
  });
});

describe("FsSiteFiles: escapes", () => {
  it.each(["../x", "/etc/passwd", "public/../../x", "public/../../../etc/passwd"])(
    "refuses %s even when it skipped the parser",
    async (value) => {
      expect(() => parseSitePath(value)).toThrow(code("PATH_ESCAPES_SITE"));
      await expect(files.read(site, unchecked(value), 100_000)).rejects.toThrow(code("PATH_ESCAPES_SITE"));
      await expect(files.write(site, unchecked(value), Buffer.from("pwned"))).rejects.toThrow(
        code("PATH_ESCAPES_SITE"),
      );
      await expect(files.remove(site, unchecked(value))).rejects.toThrow(code("PATH_ESCAPES_SITE"));
      await outsideUnchanged();
    },
  );

  it("refuses a symlinked file (to /etc/passwd and to a file outside) for read, write and list", async () => {
    await symlink("/etc/passwd", path.join(siteDir, "public/passwd"));
    await symlink(path.join(outside, "secret.txt"), path.join(siteDir, "public/secret.txt"));
    await expect(files.read(site, p("public/passwd"), 100_000)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.read(site, p("public/secret.txt"), 100)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.write(site, p("public/secret.txt"), Buffer.from("pwned"))).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.list(site, p("public/secret.txt"))).rejects.toThrow(code("PATH_IS_LINK"));
    await outsideUnchanged();
  });

  it("refuses a symlinked directory pointing outside, at any component", async () => {
    await symlink(outside, path.join(siteDir, "public/out"));
    await expect(files.read(site, p("public/out/secret.txt"), 100)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.read(site, p("public/out"), 100)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.list(site, p("public/out"))).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.write(site, p("public/out/new.txt"), Buffer.from("pwned"))).rejects.toThrow(
      code("PATH_IS_LINK"),
    );
    await expect(files.write(site, p("public/out/secret.txt"), Buffer.from("pwned"))).rejects.toThrow(
      code("PATH_IS_LINK"),
    );
    await expect(files.remove(site, p("public/out/secret.txt"))).rejects.toThrow(code("PATH_IS_LINK"));
    await outsideUnchanged();
  });

  it("refuses writing through a symlinked parent (public/ itself replaced by a link)", async () => {
    await rm(path.join(siteDir, "public"), { recursive: true });
    await symlink(outside, path.join(siteDir, "public"));
    await expect(files.write(site, p("public/index.html"), Buffer.from("pwned"))).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.write(site, p("public/secret.txt"), Buffer.from("pwned"))).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.read(site, p("public/secret.txt"), 100)).rejects.toThrow(code("PATH_IS_LINK"));
    await outsideUnchanged();
  });

  it("refuses a hard link to a file outside for read and write; removing it removes only the link", async () => {
    await link(path.join(outside, "secret.txt"), path.join(siteDir, "public/hard.txt"));
    await expect(files.read(site, p("public/hard.txt"), 100)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.write(site, p("public/hard.txt"), Buffer.from("pwned"))).rejects.toThrow(code("PATH_IS_LINK"));
    await outsideUnchanged();
    await files.remove(site, p("public/hard.txt"));
    expect(await readdir(path.join(siteDir, "public"))).toEqual([]);
    await outsideUnchanged();
  });

  it("refuses a site directory that is itself a symlink", async () => {
    await symlink(outside, path.join(root, "sites", "8"));
    await expect(files.read(8 as SiteId, p("secret.txt"), 100)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.list(8 as SiteId, null)).rejects.toThrow(code("PATH_IS_LINK"));
    await expect(files.write(8 as SiteId, p("new.txt"), Buffer.from("pwned"))).rejects.toThrow(code("PATH_IS_LINK"));
    await outsideUnchanged();
  });

  it("removing a symlink removes the link, never its target", async () => {
    await symlink(path.join(outside, "secret.txt"), path.join(siteDir, "public/secret.txt"));
    await files.remove(site, p("public/secret.txt"));
    await outsideUnchanged();
  });

  it("never writes outside while a parent is swapped for a symlink and back (race)", async () => {
    const sub = path.join(siteDir, "public/sub");
    await mkdir(sub);
    let isRunning = true;
    // The writer creates missing parents, so it may recreate public/sub at any moment: each step tolerates that.
    const tolerate =
      (...codes: string[]) =>
      (error: { code?: string }) => {
        if (!codes.includes(error.code ?? "")) throw error;
      };
    // Swaps public/sub between a real directory and a symlink to outside as fast as it can.
    const swapper = (async () => {
      for (let round = 0; isRunning; round++) {
        const aside = path.join(siteDir, `private/aside-${round}`);
        await rename(sub, aside).catch(tolerate("ENOENT"));
        await symlink(outside, sub).catch(tolerate("EEXIST"));
        await unlink(sub).catch(tolerate("ENOENT", "EISDIR"));
        await rename(aside, sub).catch(tolerate("ENOENT", "ENOTEMPTY", "EEXIST"));
      }
    })();
    const outcomes = new Set<string>();
    for (let attempt = 0; attempt < 300; attempt++) {
      await files.write(site, p(`public/sub/f${attempt}.txt`), Buffer.from("x")).then(
        () => outcomes.add("written"),
        (error: { code?: string; stack?: string }) => outcomes.add(error.code ?? String(error)),
      );
    }
    isRunning = false;
    await swapper;
    await outsideUnchanged();
    // Each write either landed inside the site or was refused with a Director code (never an escape).
    expect([...outcomes].filter((outcome) => !["written", "PATH_IS_LINK", "PATH_NOT_FOUND"].includes(outcome))).toEqual(
      [],
    );
  });

  it("never reads outside while a parent is swapped for a symlink and back (race)", async () => {
    const sub = path.join(siteDir, "public/sub");
    const aside = path.join(siteDir, "private/sub-aside");
    await mkdir(sub);
    await writeFile(path.join(sub, "secret.txt"), "inside");
    let isRunning = true;
    const swapper = (async () => {
      while (isRunning) {
        await rename(sub, aside);
        await symlink(outside, sub);
        await unlink(sub);
        await rename(aside, sub);
      }
    })();
    const outcomes = new Set<string>();
    for (let attempt = 0; attempt < 300; attempt++) {
      await files.read(site, p("public/sub/secret.txt"), 100).then(
        (content) => outcomes.add(content.kind === "file" ? content.bytes.toString() : "directory"),
        (error: { code?: string }) => outcomes.add(error.code ?? String(error)),
      );
    }
    isRunning = false;
    await swapper;
    expect([...outcomes].filter((outcome) => !["inside", "PATH_IS_LINK", "PATH_NOT_FOUND"].includes(outcome))).toEqual(
      [],
    );
  });
});
