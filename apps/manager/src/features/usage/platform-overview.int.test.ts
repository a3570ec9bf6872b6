/**
 * The administrators' platform overview on a real PostgreSQL: every site's traffic summed per period and the last
 * minute's rate, the processes of the last resources sample, sites' disks summed with the room left, operations by
 * status; administrators only.
 */
import { PlatformUsageQuery } from "@director/db/platform-usage.query";
import { SiteDiskRepository } from "@director/db/site-disk.repository";
import type { Actor } from "@director/domain/actor";
import type { SiteId } from "@director/domain/site";
import { createTestSite } from "@director/testing/db-factories";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlatformOverviewService } from "./platform-overview.service.js";

const MiB = 1024 * 1024;
const now = new Date("2026-12-04T12:30:20Z");
const admin = { id: 1, isSuperuser: true } as Actor;
const student = { id: 2, isSuperuser: false } as Actor;

describe("PlatformOverviewService", () => {
  let database: ServerTestDatabase;
  const ids: SiteId[] = [];

  beforeAll(async () => {
    database = await createServerTestDatabase();
    ids.push((await createTestSite(database.db, { name: "one" })).id as SiteId);
    ids.push((await createTestSite(database.db, { name: "two", type: "dynamic" })).id as SiteId);
    const minute = async (siteId: SiteId, at: string, requests: number, status5xx: number) =>
      database.db
        .insertInto("site_traffic_minutes")
        .values({
          site_id: siteId,
          period_start: new Date(at),
          requests,
          bytes_sent: requests * 10,
          status_2xx: requests - status5xx,
          status_3xx: 0,
          status_4xx: 0,
          status_5xx: status5xx,
          request_time_ms_sum: 0,
          request_time_ms_max: 0,
        })
        .execute();
    await minute(ids[0] as SiteId, "2026-12-04T12:29:00Z", 600, 6);
    await minute(ids[1] as SiteId, "2026-12-04T12:29:00Z", 300, 0);
    await minute(ids[1] as SiteId, "2026-12-04T12:10:00Z", 50, 50);
    await minute(ids[1] as SiteId, "2026-12-04T10:10:00Z", 999, 0); // before the hour's window
    await database.db
      .insertInto("usage_cursors")
      .values({ source: "resources", cursor: JSON.stringify({ cpuUsageNs: { aaaaaaaaaaaa: 1, bbbbbbbbbbbb: 2 } }) })
      .execute();
    const disk = new SiteDiskRepository(database.db);
    await disk.record(
      [
        { siteId: ids[0] as SiteId, usedBytes: 10 * MiB, quotaBytes: 100 * MiB, usedInodes: 1, totalInodes: 9 },
        { siteId: ids[1] as SiteId, usedBytes: 30 * MiB, quotaBytes: 100 * MiB, usedInodes: 1, totalInodes: 9 },
      ],
      now,
    );
    await new PlatformUsageQuery(database.db).recordSpace({ totalBytes: 1000 * MiB, freeBytes: 400 * MiB }, now);
    await new PlatformUsageQuery(database.db).recordSpace({ totalBytes: 1000 * MiB, freeBytes: 300 * MiB }, now);
    // One active operation per site: two queued ones need two sites.
    const operations: Array<[SiteId, "pending" | "failed" | "succeeded"]> = [
      [ids[0] as SiteId, "pending"],
      [ids[1] as SiteId, "pending"],
      [ids[0] as SiteId, "failed"],
      [ids[1] as SiteId, "succeeded"],
    ];
    for (const [siteId, status] of operations) {
      await database.db
        .insertInto("operations")
        .values({ site_id: siteId, kind: "create_site", status, site_name: "one" } as never)
        .execute();
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("sums the platform's figures over what the collectors keep", async () => {
    const overview = await new PlatformOverviewService(new PlatformUsageQuery(database.db), () => now).overview(
      admin,
      "hour",
    );
    expect(overview).toMatchObject({
      window: "hour",
      periodSeconds: 60,
      sites: { total: 2, static: 1, dynamic: 1 },
      runningProcesses: 2,
      requestsPerSecond: 15, // 900 requests in the last whole minute
      disk: { sites: 2, usedBytes: 40 * MiB, quotaBytes: 200 * MiB, totalBytes: 1000 * MiB, freeBytes: 300 * MiB },
      operations: { pending: 2, running: 0, failed: 1 },
    });
    expect(overview.traffic).toEqual([
      { at: "2026-12-04T12:10:00.000Z", requests: 50, status5xx: 50 },
      { at: "2026-12-04T12:29:00.000Z", requests: 900, status5xx: 6 },
    ]);
  });

  it("is for administrators only", async () => {
    await expect(
      new PlatformOverviewService(new PlatformUsageQuery(database.db), () => now).overview(student, "day"),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
