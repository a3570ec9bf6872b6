/**
 * Sites' disk measures and own quotas on a real PostgreSQL: a pass replaces each site's last measure (and skips a site
 * deleted meanwhile), the fullest come first and only past the share asked, own quotas are set and taken back, and a
 * site's rows go with it.
 */
import type { SiteId } from "@director/domain/site";
import { createTestSite } from "@director/testing/db-factories";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteDiskRepository } from "./site-disk.repository.js";

const MiB = 1024 * 1024;

describe("SiteDiskRepository", () => {
  let database: ServerTestDatabase;
  let repository: SiteDiskRepository;
  const ids: Record<string, SiteId> = {};

  beforeAll(async () => {
    database = await createServerTestDatabase();
    repository = new SiteDiskRepository(database.db);
    for (const name of ["aa", "bb", "cc"]) ids[name] = (await createTestSite(database.db, { name })).id as SiteId;
  });

  afterAll(async () => {
    await database?.drop();
  });

  const measure = (site: string, usedMib: number, quotaMib: number) => ({
    siteId: ids[site] ?? (0 as SiteId),
    usedBytes: usedMib * MiB,
    quotaBytes: quotaMib * MiB,
    usedInodes: usedMib,
    totalInodes: 1000,
  });

  it("keeps each site's last measure, skipping sites that are gone", async () => {
    await repository.record([measure("aa", 10, 100), measure("bb", 95, 100)], new Date("2026-12-04T10:00:00Z"));
    await repository.record(
      [measure("aa", 20, 100), { ...measure("cc", 1, 100), siteId: 999_999 as SiteId }],
      new Date("2026-12-04T10:01:00Z"),
    );
    expect(await repository.measureOf(ids.aa as SiteId)).toEqual({
      ...measure("aa", 20, 100),
      measuredAt: new Date("2026-12-04T10:01:00Z"),
    });
    expect((await repository.measureOf(ids.bb as SiteId))?.usedBytes).toBe(95 * MiB); // not in the last pass: kept
    expect(await repository.measureOf(ids.cc as SiteId)).toBeNull();
    const fullest = await repository.fullest({ minShare: 0, limit: 10 });
    expect(fullest.map((site) => [site.siteName, site.share])).toEqual([
      ["bb", 0.95],
      ["aa", 0.2],
    ]);
    expect((await repository.fullest({ minShare: 0.9, limit: 10 })).map((site) => site.siteName)).toEqual(["bb"]);
    // Per hour: the most it held (10, then 20 MiB in the same hour), and what went before 90 days goes.
    await repository.record([measure("aa", 15, 100)], new Date("2026-12-04T10:02:00Z"));
    await repository.record([measure("aa", 5, 50)], new Date("2026-12-04T11:00:00Z"));
    expect(
      await repository.hours(ids.aa as SiteId, {
        from: new Date("2026-12-04T00:00:00Z"),
        to: new Date("2026-12-05T00:00:00Z"),
      }),
    ).toEqual([
      { at: new Date("2026-12-04T10:00:00Z"), usedMaxBytes: 20 * MiB, quotaBytes: 100 * MiB },
      { at: new Date("2026-12-04T11:00:00Z"), usedMaxBytes: 5 * MiB, quotaBytes: 50 * MiB },
    ]);
    expect(await repository.prune(new Date("2026-12-04T11:00:00Z"))).toBe(2); // aa's and bb's 10:00
    await repository.record([measure("aa", 20, 100)], new Date("2026-12-04T10:01:00Z"));
  });

  it("sets a site's own quota and takes it back, and forgets a deleted site", async () => {
    const now = new Date("2026-12-04T10:00:00Z");
    expect(await repository.ownQuotaOf(ids.aa as SiteId)).toBeNull();
    await repository.setOwnQuota(ids.aa as SiteId, 64 * MiB, now);
    await repository.setOwnQuota(ids.aa as SiteId, 32 * MiB, now);
    expect(await repository.ownQuotaOf(ids.aa as SiteId)).toBe(32 * MiB);
    await expect(repository.setOwnQuota(ids.bb as SiteId, MiB, now)).rejects.toThrow(); // the table's floor: 16 MiB
    await repository.setOwnQuota(ids.aa as SiteId, null, now);
    expect(await repository.ownQuotaOf(ids.aa as SiteId)).toBeNull();
    await repository.setOwnQuota(ids.bb as SiteId, 32 * MiB, now);
    await database.db
      .deleteFrom("sites")
      .where("id", "=", ids.bb as SiteId)
      .execute();
    expect(await repository.measureOf(ids.bb as SiteId)).toBeNull();
    expect(await repository.ownQuotaOf(ids.bb as SiteId)).toBeNull();
  });
});
