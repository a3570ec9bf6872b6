/**
 * The workspace's folder watch against the real filesystem (inotify): changes in watched folders are reported by
 * folder, subfolders are not watched, and a folder swapped for a link to outside the site is reported gone, never
 * followed (a change outside is not reported).
 */
import { mkdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { parseSitePath } from "@director/domain/site-path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FolderEvent } from "../core/ports.js";
import { makeSiteTreeFixture, type SiteTreeFixture } from "../testing/site-tree-fixture.js";
import { FsSiteFolderWatch } from "./site-folder-watch.js";

const site = 9 as SiteId;
let fixture: SiteTreeFixture;
let watch: FsSiteFolderWatch;
let events: FolderEvent[];
let stop: AbortController;

beforeEach(async () => {
  fixture = await makeSiteTreeFixture(site);
  watch = new FsSiteFolderWatch((id) => fixture.directories.pathOf(id));
  events = [];
  stop = new AbortController();
});

afterEach(async () => {
  stop.abort();
  await fixture.remove();
});

const start = (folders: Array<string | null>) =>
  watch.watch(
    site,
    folders.map((folder) => (folder === null ? null : parseSitePath(folder))),
    (event) => events.push(event),
    stop.signal,
  );
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe("FsSiteFolderWatch", () => {
  it("reports a change in each watched folder once, and nothing for a subfolder's contents", async () => {
    await mkdir(path.join(fixture.siteDir, "public", "sub"));
    await start([null, "public"]);
    await writeFile(path.join(fixture.siteDir, "public", "x.txt"), "hi");
    await writeFile(path.join(fixture.siteDir, "public", "y.txt"), "hi");
    await settle();
    expect(events).toEqual([{ type: "change", folder: "public" }]);
    events.length = 0;
    await writeFile(path.join(fixture.siteDir, "public", "sub", "deep.txt"), "hi");
    await settle();
    expect(events).toEqual([]);
    await writeFile(path.join(fixture.siteDir, "top.txt"), "hi");
    await settle();
    expect(events).toEqual([{ type: "change", folder: "" }]);
  });

  it("stops at the caller's signal", async () => {
    await start(["public"]);
    stop.abort();
    await writeFile(path.join(fixture.siteDir, "public", "x.txt"), "hi");
    await settle();
    expect(events).toEqual([]);
  });

  it("reports a folder swapped for a link to outside as gone, and never what happens outside", async () => {
    await start(["public"]);
    // The site's own code swaps its folder for a link to a folder outside the site.
    await rename(path.join(fixture.siteDir, "public"), path.join(fixture.siteDir, "public-old"));
    await symlink(fixture.outside, path.join(fixture.siteDir, "public"));
    await settle();
    expect(events).toContainEqual({ type: "gone", folder: "public" });
    events.length = 0;
    await writeFile(path.join(fixture.outside, "new-outside.txt"), "x");
    await settle();
    expect(events).toEqual([]);
    await rm(path.join(fixture.outside, "new-outside.txt"));
    await fixture.outsideUnchanged();
  });

  it("reports a folder that is a link, or missing, as gone at once, and watches nothing there", async () => {
    await symlink(fixture.outside, path.join(fixture.siteDir, "private", "link"));
    await start(["private/link", "nothing/here"]);
    expect(events).toEqual([
      { type: "gone", folder: "private/link" },
      { type: "gone", folder: "nothing/here" },
    ]);
    events.length = 0;
    await writeFile(path.join(fixture.outside, "new-outside.txt"), "x");
    await settle();
    expect(events).toEqual([]);
    await rm(path.join(fixture.outside, "new-outside.txt"));
  });
});
