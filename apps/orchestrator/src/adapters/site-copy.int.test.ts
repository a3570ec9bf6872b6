import { execFileSync } from "node:child_process";
import { link, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { siteUserOf } from "../core/site-user.js";
import { fixtureUidBase, makeSiteTreeFixture, type SiteTreeFixture } from "../testing/site-tree-fixture.js";
import { FsSiteFiles } from "./site-files.js";

const template = 7 as SiteId;
const student = 8 as SiteId;
const limits = { maxFiles: 100, maxBytes: 1024 * 1024 };

let fixture: SiteTreeFixture;
let files: FsSiteFiles;
let templateDir: string;
let studentDir: string;

beforeEach(async () => {
  fixture = await makeSiteTreeFixture(template);
  await fixture.directories.ensure(student);
  templateDir = fixture.directories.pathOf(template);
  studentDir = fixture.directories.pathOf(student);
  files = new FsSiteFiles(fixture.directories, {
    ownerOf: (id) => {
      const user = siteUserOf(id, fixtureUidBase);
      return { uid: user.uid, gid: user.gid };
    },
  });
});

afterEach(async () => {
  await fixture.remove();
});

describe("copying a template site's files into a new site", () => {
  it("copies folders and files, keeps run.sh executable, and gives everything to the new site's account", async () => {
    await mkdir(path.join(templateDir, "public/css/empty"), { recursive: true });
    await writeFile(path.join(templateDir, "public/index.html"), "<h1>Starter</h1>");
    await writeFile(path.join(templateDir, "public/css/site.css"), "body{}");
    await writeFile(path.join(templateDir, "run.sh"), "#!/bin/sh\nexec node app.js\n", { mode: 0o755 });

    expect(await files.copyFrom(student, template, limits)).toEqual({ files: 3, bytes: 16 + 6 + 27 });

    expect(await readFile(path.join(studentDir, "public/index.html"), "utf8")).toBe("<h1>Starter</h1>");
    expect(await readdir(path.join(studentDir, "public/css/empty"))).toEqual([]);
    expect((await stat(path.join(studentDir, "run.sh"))).mode & 0o777).toBe(0o755);
    expect((await stat(path.join(studentDir, "public/css/site.css"))).mode & 0o777).toBe(0o644);
    const owner = siteUserOf(student, fixtureUidBase);
    for (const entry of ["public/css", "public/css/empty", "public/index.html", "run.sh"]) {
      const stats = await stat(path.join(studentDir, entry));
      expect([entry, stats.uid]).toEqual([entry, owner.uid]);
    }
  });

  it("leaves out what a template's owner could use to reach outside it: links, hard links, FIFOs", async () => {
    const secret = path.join(fixture.outside, "secret.txt");
    await mkdir(path.join(templateDir, "public"), { recursive: true });
    await symlink(secret, path.join(templateDir, "public/secret-link.txt"));
    await symlink(fixture.outside, path.join(templateDir, "public/outside-dir"));
    await link(secret, path.join(templateDir, "public/secret-hardlink.txt"));
    execFileSync("mkfifo", [path.join(templateDir, "public/pipe")]);
    await writeFile(path.join(templateDir, "public/ok.txt"), "ok");

    expect(await files.copyFrom(student, template, limits)).toEqual({ files: 1, bytes: 2 });

    expect((await readdir(path.join(studentDir, "public"))).sort()).toEqual(["ok.txt"]);
    await fixture.outsideUnchanged();
  });

  it("writes through the new site's own checks: a link its owner planted is not followed", async () => {
    await mkdir(path.join(templateDir, "public"), { recursive: true });
    await writeFile(path.join(templateDir, "public/index.html"), "mine");
    // the new site's tree already holds a link where the copy writes (a race its process could win)
    await rm(path.join(studentDir, "public"), { recursive: true });
    await symlink(fixture.outside, path.join(studentDir, "public"));
    await expect(files.copyFrom(student, template, limits)).rejects.toMatchObject({ code: "PATH_IS_LINK" });
    await fixture.outsideUnchanged();
  });

  it("refuses a template past the limits with TEMPLATE_TOO_LARGE before writing anything", async () => {
    await mkdir(path.join(templateDir, "public"), { recursive: true });
    for (let index = 0; index < 5; index++) await writeFile(path.join(templateDir, `public/${index}.txt`), "x");
    await expect(files.copyFrom(student, template, { maxFiles: 3, maxBytes: 1024 })).rejects.toMatchObject({
      code: "TEMPLATE_TOO_LARGE",
    });
    expect(await readdir(studentDir)).not.toContain("0.txt");
    expect(await readdir(path.join(studentDir, "public")).catch(() => [])).toEqual([]);
  });
});
