/**
 * Paged directory listings on the real file system: a directory of 50,000 entries (as a site made one) is answered a
 * page at a time, sorted by name, every entry on exactly one page, links shown and never followed.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { directoryPageDefaultLimit, directoryPageMaxLimit } from "@director/contracts/orchestrator-files";
import type { SiteId } from "@director/domain/site";
import { parseSitePath } from "@director/domain/site-path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsSiteFiles } from "./site-files.js";

const site = 7 as SiteId;
const fileCount = 50_000;
let root: string;
let files: FsSiteFiles;
/** every name in public/many, sorted as the listing sorts */
let allNames: string[];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "director-listing-"));
  const many = path.join(root, "site", "public", "many");
  await mkdir(many, { recursive: true });
  const names = Array.from({ length: fileCount }, (_, index) => `f${(index * 7919) % fileCount}.txt`);
  for (let start = 0; start < names.length; start += 500) {
    await Promise.all(names.slice(start, start + 500).map((name) => writeFile(path.join(many, name), "x")));
  }
  await mkdir(path.join(many, "a-folder"));
  await symlink("/etc", path.join(many, "b-link"));
  allNames = [...names, "a-folder", "b-link"].sort();
  files = new FsSiteFiles({ pathOf: () => path.join(root, "site") });
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const many = parseSitePath("public/many");

describe("FsSiteFiles: paged listings", () => {
  it("answers the first page of the default size, sorted by name, with the total and where the next starts", async () => {
    const started = performance.now();
    const page = await files.list(site, many);
    console.log(`first page of ${allNames.length} entries in ${Math.round(performance.now() - started)} ms`);
    expect(page.entries.map((entry) => entry.name)).toEqual(allNames.slice(0, directoryPageDefaultLimit));
    expect(page).toMatchObject({
      path: "public/many",
      totalEntries: fileCount + 2,
      nextAfter: allNames[directoryPageDefaultLimit - 1],
    });
    expect(page.entries.slice(0, 2)).toEqual([
      expect.objectContaining({ name: "a-folder", type: "directory" }),
      expect.objectContaining({ name: "b-link", type: "symlink" }), // the link itself, not /etc
    ]);
    expect(await files.read(site, many, 1024)).toEqual({ kind: "directory", listing: page });
  });

  it("walks every entry exactly once, in order, a page of the largest size at a time", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    const started = performance.now();
    do {
      const page = await files.list(site, many, { limit: directoryPageMaxLimit, after });
      expect(page.entries.length).toBeLessThanOrEqual(directoryPageMaxLimit);
      seen.push(...page.entries.map((entry) => entry.name));
      after = page.nextAfter;
      pages++;
    } while (after !== null && pages <= fileCount);
    console.log(`${pages} pages of ${directoryPageMaxLimit} in ${Math.round(performance.now() - started)} ms`);
    expect(pages).toBe(Math.ceil((fileCount + 2) / directoryPageMaxLimit));
    expect(seen).toEqual(allNames);
  });

  it("answers an empty last page after the last name, and the site directory itself paged too", async () => {
    const last = allNames.at(-1) ?? "";
    expect(await files.list(site, many, { limit: 10, after: last })).toMatchObject({
      entries: [],
      totalEntries: fileCount + 2,
      nextAfter: null,
    });
    expect(await files.list(site, null, { limit: 1, after: null })).toMatchObject({
      entries: [expect.objectContaining({ name: "public" })],
      totalEntries: 1,
      nextAfter: null,
    });
  });
});
