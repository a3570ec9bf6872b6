/**
 * The resource collector on a real PostgreSQL: CPU time between two samples of one container becomes the site's use,
 * a container seen first counts its memory only, and two collectors (two workers) never count one interval twice.
 * The orchestrator is a fake sampler here (its Docker side is tested in docker-site-resources.int.test.ts).
 */
import type { SiteProcessEvent, SiteResourceSample } from "@director/contracts/orchestrator-usage";
import { SiteResourcesRepository } from "@director/db/site-resources.repository";
import { unitOfWork } from "@director/db/unit-of-work";
import type { SiteId } from "@director/domain/site";
import { createTestSite } from "@director/testing/db-factories";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultResourceCollectorOptions, ResourceCollector } from "./resource-collector.js";
import type { ResourceSampler } from "./resource-sampler.js";

/** Fake of the orchestrator's readResources: the samples and events the test sets, and the `eventsSince` it got. */
class FakeResourceSampler implements ResourceSampler {
  at = "2026-12-04T10:00:10.000Z";
  samples: SiteResourceSample[] = [];
  processEvents: SiteProcessEvent[] = [];
  asked: Array<string | undefined> = [];
  async sample(eventsSince?: string) {
    this.asked.push(eventsSince);
    const eventsUntil = String(Math.floor(Date.parse(this.at) / 1000));
    return { sampledAt: this.at, samples: this.samples, processEvents: this.processEvents, eventsUntil };
  }
}

const mib = 1024 * 1024;

describe("ResourceCollector", () => {
  let database: ServerTestDatabase;
  let app: SiteId;
  let other: SiteId;
  const sampler = new FakeResourceSampler();
  const collector = () =>
    new ResourceCollector({
      sampler,
      inTransaction: (work) =>
        unitOfWork(database.db)(({ siteTraffic, siteResources }) =>
          work({ samples: siteTraffic, resources: siteResources }),
        ),
      resources: new SiteResourcesRepository(database.db),
      logger: { warn: () => undefined },
      options: defaultResourceCollectorOptions,
    });
  const sample = (siteId: SiteId, containerId: string, cpuSeconds: number, memoryMib: number) => ({
    siteId,
    containerId,
    cpuUsageNs: cpuSeconds * 1e9,
    memoryBytes: memoryMib * mib,
    memoryLimitBytes: 512 * mib,
  });
  const minutes = (siteId: SiteId) =>
    new SiteResourcesRepository(database.db).series(siteId, "minute", {
      from: new Date("2026-12-04T09:00:00Z"),
      to: new Date("2026-12-04T11:00:00Z"),
    });

  beforeAll(async () => {
    database = await createServerTestDatabase();
    app = (await createTestSite(database.db, { name: "app", type: "dynamic" })).id as SiteId;
    other = (await createTestSite(database.db, { name: "other", type: "dynamic" })).id as SiteId;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("adds CPU time between samples of one container, the most memory, per minute and hour", async () => {
    sampler.samples = [sample(app, "aaaaaaaaaaaa", 100, 40), sample(other, "bbbbbbbbbbbb", 5, 10)];
    expect(await collector().collect()).toEqual({ sites: 2 });
    // First seen: memory now, no CPU interval yet.
    expect(await minutes(app)).toEqual([
      { at: new Date("2026-12-04T10:00:00Z"), cpuMs: 0, memoryMaxBytes: 40 * mib, memoryLimitBytes: 512 * mib },
    ]);
    sampler.at = "2026-12-04T10:00:40.000Z";
    sampler.samples = [sample(app, "aaaaaaaaaaaa", 124, 60), sample(other, "bbbbbbbbbbbb", 5.5, 10)];
    await collector().collect(); // a new collector: a restarted manager goes on from the saved samples
    sampler.at = "2026-12-04T10:01:10.000Z";
    // The site restarted: a new container, its CPU counted from its own first sample.
    sampler.samples = [sample(app, "cccccccccccc", 1, 20)];
    await collector().collect();
    expect(
      (await minutes(app)).map((point) => [point.at.toISOString(), point.cpuMs, point.memoryMaxBytes / mib]),
    ).toEqual([
      ["2026-12-04T10:00:00.000Z", 24_000, 60],
      ["2026-12-04T10:01:00.000Z", 0, 20],
    ]);
    expect((await minutes(other))[0]?.cpuMs).toBe(500);
    const hours = await new SiteResourcesRepository(database.db).series(app, "hour", {
      from: new Date("2026-12-04T10:00:00Z"),
      to: new Date("2026-12-04T11:00:00Z"),
    });
    expect(hours).toEqual([
      { at: new Date("2026-12-04T10:00:00Z"), cpuMs: 24_000, memoryMaxBytes: 60 * mib, memoryLimitBytes: 512 * mib },
    ]);
  });

  it("never counts one interval twice when two workers sample at once", async () => {
    sampler.at = "2026-12-04T10:05:00.000Z";
    sampler.samples = [sample(app, "cccccccccccc", 31, 20)];
    await Promise.all([collector().collect(), collector().collect()]);
    const point = (await minutes(app)).find((one) => one.at.toISOString() === "2026-12-04T10:05:00.000Z");
    // 30 s of CPU since the last sample (1 s): the second collector saw the first one's samples and added nothing.
    expect(point?.cpuMs).toBe(30_000);
    // The live channel's mark of the site's latest minute changed with it.
    expect(await new SiteResourcesRepository(database.db).latestMark(app)).toBe(
      `2026-12-04T10:05:00.000Z/30000/${20 * mib}`,
    );
  });

  it("lists the busiest processes of a window by CPU or by memory, with a CPU sparkline", async () => {
    const repository = new SiteResourcesRepository(database.db);
    const window = {
      resolution: "minute" as const,
      from: new Date("2026-12-04T10:00:00Z"),
      to: new Date("2026-12-04T10:10:00Z"),
    };
    const byCpu = await repository.busiest({ ...window, by: "cpu", limit: 10 });
    expect(byCpu.map((site) => [site.name, site.cpuMs])).toEqual([
      ["app", 54_000],
      ["other", 500],
    ]);
    expect(byCpu[0]?.sparkline).toEqual([24_000, 0, 0, 0, 0, 30_000, 0, 0, 0, 0]);
    expect(byCpu[0]?.memoryLimitBytes).toBe(512 * mib);
    const byMemory = await repository.busiest({ ...window, by: "memory", limit: 1 });
    expect(byMemory.map((site) => [site.name, site.memoryMaxBytes])).toEqual([["app", 60 * mib]]);
  });

  it("records crashes and OOM kills once each, reading events from where the last sample ended", async () => {
    sampler.asked = [];
    sampler.at = "2026-12-04T10:06:00.000Z";
    const crash = { siteId: app, containerId: "dddddddddddd", kind: "crash" as const, at: sampler.at, exitCode: 1 };
    const oom = { siteId: app, containerId: "eeeeeeeeeeee", kind: "oom" as const, at: sampler.at, exitCode: 137 };
    sampler.processEvents = [crash, oom];
    await collector().collect();
    // The next window overlaps the last: the same events again are kept once.
    sampler.at = "2026-12-04T10:06:30.000Z";
    await collector().collect();
    expect(sampler.asked).toEqual([
      String(Date.parse("2026-12-04T10:05:00.000Z") / 1000),
      String(Date.parse("2026-12-04T10:06:00.000Z") / 1000),
    ]);
    const rows = await database.db
      .selectFrom("site_process_events")
      .select(["container_id", "kind", "exit_code"])
      .orderBy("container_id")
      .execute();
    expect(rows).toEqual([
      { container_id: "dddddddddddd", kind: "crash", exit_code: 1 },
      { container_id: "eeeeeeeeeeee", kind: "oom", exit_code: 137 },
    ]);
    sampler.processEvents = [];
  });

  it("loses a deleted site's rows with it", async () => {
    await database.db.deleteFrom("sites").where("id", "=", other).execute();
    expect(await minutes(other)).toEqual([]);
  });
});
