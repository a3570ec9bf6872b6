import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SiteId } from "@director/domain/site";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsBalancerSpecStore } from "./balancer-spec-store.js";
import { siteUser } from "./local-base-images.js";
import { FsSiteOwnership } from "./site-ownership.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "director-ownership-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("FsSiteOwnership", () => {
  it("gives the site directory, public/, private/ and a new .home/ to the site user, idempotently", async () => {
    const siteDir = path.join(root, "7");
    for (const sub of ["public", "private"]) await mkdir(path.join(siteDir, sub), { recursive: true });
    const ownership = new FsSiteOwnership({ pathOf: (id) => path.join(root, String(id)) });
    for (let round = 0; round < 2; round++) await ownership.giveToSiteUser(7 as SiteId);
    for (const dir of ["", "public", "private", ".home"]) {
      expect(await lstat(path.join(siteDir, dir))).toMatchObject({ uid: siteUser.uid, gid: siteUser.gid });
    }
    expect((await lstat(path.join(siteDir, ".home"))).mode & 0o777).toBe(0o700);
  });

  it("never follows a symlink the site planted in place of one of its directories", async () => {
    const siteDir = path.join(root, "7");
    const outside = path.join(root, "outside");
    await mkdir(path.join(siteDir, "public"), { recursive: true });
    await mkdir(outside);
    await symlink(outside, path.join(siteDir, "private"));
    await symlink(outside, path.join(siteDir, ".home"));
    await new FsSiteOwnership({ pathOf: (id) => path.join(root, String(id)) }).giveToSiteUser(7 as SiteId);
    expect(await lstat(outside)).toMatchObject({ uid: 0, gid: 0 });
  });
});

describe("FsBalancerSpecStore", () => {
  it("stores, reads back and removes a site's spec as a private JSON file", async () => {
    const store = new FsBalancerSpecStore(path.join(root, "state"));
    const spec = { id: 7, name: "hello", type: "dynamic" as const, availability: "enabled" as const };
    expect(await store.get(7 as SiteId)).toBeNull();
    await store.put(spec);
    expect(await store.get(7 as SiteId)).toEqual(spec);
    expect(JSON.parse(await readFile(path.join(root, "state", "site-7.json"), "utf8"))).toEqual(spec);
    expect((await lstat(path.join(root, "state", "site-7.json"))).mode & 0o777).toBe(0o600);
    for (let round = 0; round < 2; round++) await store.remove(7 as SiteId);
    expect(await store.get(7 as SiteId)).toBeNull();
  });

  it("refuses a stored file that is not a valid spec", async () => {
    const store = new FsBalancerSpecStore(path.join(root, "state"));
    await mkdir(path.join(root, "state"));
    await writeFile(path.join(root, "state", "site-7.json"), '{"id":7}');
    await expect(store.get(7 as SiteId)).rejects.toThrow();
  });
});
