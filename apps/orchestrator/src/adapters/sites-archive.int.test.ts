import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { zipEntries } from "@director/testing/zip-entries";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeSiteTreeFixture, type SiteTreeFixture } from "../testing/site-tree-fixture.js";
import { archiveSites } from "./sites-archive.js";

const first = 7 as SiteId;
const second = 8 as SiteId;
const limits = { maxFiles: 100, maxBytes: 1024 * 1024 };
const noDumps = async () => {
  throw new Error("no site here has a database");
};

let fixture: SiteTreeFixture;
let work: string;

beforeEach(async () => {
  fixture = await makeSiteTreeFixture(first);
  await fixture.directories.ensure(second);
  work = await mkdtemp(path.join(tmpdir(), "director-archive-"));
});

afterEach(async () => {
  await fixture.remove();
  await rm(work, { recursive: true, force: true });
});

/** The archive's entries and their text, as another zip reader (Python's) sees them. */
async function saved(sites: Parameters<typeof archiveSites>[0], siteLimits = limits) {
  const zip = await archiveSites(
    sites,
    { pathOf: (id) => fixture.directories.pathOf(id), dump: noDumps, limits: siteLimits },
    new AbortController().signal,
  );
  const contents = await zipEntries(zip);
  return { entries: Object.keys(contents).sort(), read: (entry: string) => contents[entry] };
}

describe("several sites in one zip", () => {
  it("puts each site's files under <site>/files/ with a README, leaving links out", async () => {
    const one = fixture.directories.pathOf(first);
    const two = fixture.directories.pathOf(second);
    await writeFile(path.join(one, "public/index.html"), "<h1>one</h1>");
    await mkdir(path.join(two, "public/img"), { recursive: true });
    await writeFile(path.join(two, "public/img/a.txt"), "two");
    await symlink(path.join(fixture.outside, "secret.txt"), path.join(two, "public/secret.txt"));

    const archive = await saved([
      { id: first, name: parseSiteName("alpha"), database: null },
      { id: second, name: parseSiteName("beta"), database: null },
    ]);
    expect(archive.entries).toContain("README.txt");
    expect(archive.entries).toContain("alpha/files/public/index.html");
    expect(archive.entries).toContain("beta/files/public/img/a.txt");
    expect(archive.entries.filter((entry) => entry.includes("secret"))).toEqual([]);
    expect(archive.read("alpha/files/public/index.html")).toBe("<h1>one</h1>");
    expect(archive.read("README.txt")).toContain("  alpha\n  beta\n");
    await fixture.outsideUnchanged();
  });

  it("refuses, before the first byte, an archive with a site past the zip limits", async () => {
    const two = fixture.directories.pathOf(second);
    for (let index = 0; index < 5; index++) await writeFile(path.join(two, `public/${index}.txt`), "x");
    await expect(
      saved(
        [
          { id: first, name: parseSiteName("alpha"), database: null },
          { id: second, name: parseSiteName("beta"), database: null },
        ],
        { maxFiles: 3, maxBytes: 1024 },
      ),
    ).rejects.toMatchObject({ code: "ZIP_TOO_LARGE" });
  });
});
