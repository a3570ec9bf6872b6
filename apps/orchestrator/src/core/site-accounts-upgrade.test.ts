import type { ImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import { InMemoryServiceRuntime } from "../testing/in-memory-dynamic-sites.js";
import { InMemorySiteDirectories } from "../testing/in-memory-sites.js";
import { upgradeToSiteAccounts } from "./site-accounts-upgrade.js";
import { siteUserOf } from "./site-user.js";

const userOf = (id: SiteId) => siteUserOf(id, 2_000_000_000);
const silent = { info: () => undefined, warn: () => undefined };

function legacySpec(id: number) {
  return {
    siteId: id as SiteId,
    siteDirectory: `/srv/sites/${id}`,
    user: { uid: 1000, gid: 1000 },
    image: "director/base-busybox:1" as ImageRef,
    isEnabled: true,
    limits: { cpus: 0.6, memoryBytes: 100 * 1024 * 1024, pidsLimit: 128 },
    env: {},
    networkName: "director-sites",
  };
}

describe("upgradeToSiteAccounts", () => {
  it("gives legacy directories and services their site's account, and leaves up-to-date sites alone", async () => {
    const directories = new InMemorySiteDirectories();
    const runtime = new InMemoryServiceRuntime();
    for (const id of [1, 2, 3] as SiteId[]) directories.ids.add(id);
    directories.legacyIds.add(1 as SiteId); // a static site from before
    directories.legacyIds.add(2 as SiteId); // a dynamic site from before
    await runtime.upsert(legacySpec(2));
    await runtime.upsert({ ...legacySpec(3), user: userOf(3 as SiteId) });

    const result = await upgradeToSiteAccounts({ directories, services: runtime, siteUserOf: userOf, log: silent });
    expect(result).toEqual({ adoptedDirectories: [1, 2], updatedServices: [2], failed: [] });
    expect(runtime.services.get(2 as SiteId)?.user).toEqual(userOf(2 as SiteId));
    expect(directories.legacyIds.size).toBe(0);

    // Run again (every start): nothing left to do.
    const again = await upgradeToSiteAccounts({ directories, services: runtime, siteUserOf: userOf, log: silent });
    expect(again).toEqual({ adoptedDirectories: [], updatedServices: [], failed: [] });
  });

  it("goes on past a site that fails, and reports it", async () => {
    const directories = new InMemorySiteDirectories();
    for (const id of [4, 5] as SiteId[]) {
      directories.ids.add(id);
      directories.legacyIds.add(id);
    }
    const warnings: unknown[] = [];
    const failing = {
      list: () => directories.list(),
      adopt: async (id: SiteId) => {
        if (id === 4) throw new Error("disk on fire");
        return directories.adopt(id);
      },
    };
    const result = await upgradeToSiteAccounts({
      directories: failing,
      services: null,
      siteUserOf: userOf,
      log: { info: () => undefined, warn: (details: unknown) => warnings.push(details) },
    });
    expect(result).toEqual({ adoptedDirectories: [5], updatedServices: [], failed: [4] });
    expect(warnings).toHaveLength(1);
  });
});
