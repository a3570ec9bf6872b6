import { parseCustomDomain } from "@director/domain/custom-domain";
import type { SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteDomainsRepository } from "./site-domains.repository.js";
import { type SiteTrafficMinute, SiteTrafficRepository, sumByPeriod } from "./site-traffic.repository.js";
import { SitesRepository } from "./sites.repository.js";
import { unitOfWork } from "./unit-of-work.js";
import { UsersRepository } from "./users.repository.js";

const counts = { bytesSent: 100, status2xx: 1, status3xx: 0, status4xx: 0, status5xx: 0, requestTimeMsSum: 5 };
const minute = (siteId: SiteId, iso: string, requests = 1, max = 5): SiteTrafficMinute => ({
  siteId,
  minute: new Date(iso),
  ...counts,
  requests,
  status2xx: requests,
  requestTimeMsMax: max,
});

const rowOf = (siteId: SiteId) => ({
  site_id: siteId,
  requests: 1,
  bytes_sent: 1,
  status_2xx: 1,
  status_3xx: 0,
  status_4xx: 0,
  status_5xx: 0,
  request_time_ms_sum: 1,
  request_time_ms_max: 1,
});

describe.each(testBackends)("SiteTrafficRepository on $name", (backend) => {
  let database: TestDatabase;
  let traffic: SiteTrafficRepository;
  let sites: SitesRepository;
  let alpha: SiteId;
  let beta: SiteId;

  beforeAll(async () => {
    database = await backend.open();
    traffic = new SiteTrafficRepository(database.db);
    sites = new SitesRepository(database.db);
    const create = async (name: string) =>
      (
        await sites.create({
          name: parseSiteName(name),
          type: "static",
          purpose: "project",
          description: "",
          memberIds: [],
        })
      ).id as SiteId;
    alpha = await create("alpha");
    beta = await create("beta");
    const userId = (await new UsersRepository(database.db).create({ username: "ann" } as never)).id;
    await new SiteDomainsRepository(database.db).add({
      siteId: beta,
      domain: parseCustomDomain("www.beta.example"),
      createdBy: userId,
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("adds minutes to minutes and to their hours, one row per site and period however they come", async () => {
    await traffic.add([
      minute(alpha, "2026-12-04T10:01:00Z", 3, 7),
      // the same site and minute from another host (its own domain): one row
      minute(alpha, "2026-12-04T10:01:00Z", 2, 9),
      minute(alpha, "2026-12-04T10:59:00Z", 1),
      minute(beta, "2026-12-04T10:01:00Z", 4),
    ]);
    // a second read adds to the same rows
    await traffic.add([minute(alpha, "2026-12-04T10:01:00Z", 10, 4)]);
    const range = { from: new Date("2026-12-04T10:00:00Z"), to: new Date("2026-12-04T11:00:00Z") };
    const minutes = await traffic.series(alpha, "minute", range);
    expect(minutes.map((point) => [point.at.toISOString(), point.requests, point.requestTimeMsMax])).toEqual([
      ["2026-12-04T10:01:00.000Z", 15, 9],
      ["2026-12-04T10:59:00.000Z", 1, 5],
    ]);
    expect(minutes[0]).toMatchObject({ bytesSent: 300, status2xx: 15, requestTimeMsSum: 15 });
    const hours = await traffic.series(alpha, "hour", range);
    expect(hours).toEqual([expect.objectContaining({ at: new Date("2026-12-04T10:00:00Z"), requests: 16 })]);
    expect((await traffic.series(beta, "hour", range))[0]?.requests).toBe(4);
    // a time within a minute is counted in that minute; the table itself refuses a row that is not a period's start
    await traffic.add([minute(beta, "2026-12-04T10:01:30Z", 1)]);
    expect((await traffic.series(beta, "minute", range))[0]?.requests).toBe(5);
    await expect(
      database.db
        .insertInto("site_traffic_hours")
        .values({ ...rowOf(beta), period_start: new Date("2026-12-04T10:01:00Z") })
        .execute(),
    ).rejects.toMatchObject({ code: "23514" });
  });

  it("marks a site's latest counted minute, so that every count changes the mark", async () => {
    const before = await traffic.latestMark(alpha);
    expect(before).toBe("2026-12-04T10:59:00.000Z/1");
    await traffic.add([minute(alpha, "2026-12-04T10:59:00Z", 2)]);
    expect(await traffic.latestMark(alpha)).toBe("2026-12-04T10:59:00.000Z/3");
    await traffic.add([minute(alpha, "2026-12-04T11:00:00Z", 1)]);
    expect(await traffic.latestMark(alpha)).toBe("2026-12-04T11:00:00.000Z/1");
    const nobody = (
      await sites.create({
        name: parseSiteName("gamma"),
        type: "static",
        purpose: "project",
        description: "",
        memberIds: [],
      })
    ).id as SiteId;
    expect(await traffic.latestMark(nobody)).toBeNull();
  });

  it("sums a batch by period (pure)", () => {
    const summed = sumByPeriod(
      [minute(alpha, "2026-12-04T10:01:00Z", 1, 2), minute(alpha, "2026-12-04T10:30:00Z", 2, 8)],
      "hour",
    );
    expect(summed).toEqual([expect.objectContaining({ minute: new Date("2026-12-04T10:00:00Z"), requests: 3 })]);
    expect(summed[0]?.requestTimeMsMax).toBe(8);
  });

  it("finds the sites of hosts: a name under the sites domain, or a site's own domain", async () => {
    const found = await traffic.siteIdsByHost(
      ["alpha.sites.test", "www.beta.example", "nobody.sites.test", "a.b.sites.test", "sites.test", "manager.example"],
      "sites.test",
    );
    expect(Object.fromEntries(found)).toEqual({ "alpha.sites.test": alpha, "www.beta.example": beta });
    expect((await traffic.siteIdsByHost([], "sites.test")).size).toBe(0);
  });

  it("lists the busiest sites of a window by a total, each with its requests per period", async () => {
    const range = { from: new Date("2026-12-04T10:00:00Z"), to: new Date("2026-12-04T10:05:00Z") };
    // beta: 5 requests at 10:01 (earlier test), plus a burst of server errors at 10:03
    await traffic.add([{ ...minute(beta, "2026-12-04T10:03:00Z", 20), status2xx: 0, status5xx: 20, bytesSent: 10 }]);
    const byRequests = await traffic.busiest({ resolution: "minute", ...range, by: "requests", limit: 10 });
    expect(byRequests.map((site) => [site.name, site.requests, site.errors])).toEqual([
      ["beta", 25, 20],
      ["alpha", 15, 0],
    ]);
    expect(byRequests[0]?.sparkline).toEqual([0, 5, 0, 20, 0]);
    const byBytes = await traffic.busiest({ resolution: "minute", ...range, by: "bytes", limit: 1 });
    expect(byBytes.map((site) => [site.name, site.bytesSent])).toEqual([["alpha", 300]]);
    const outside = { from: new Date("2026-12-05T00:00:00Z"), to: new Date("2026-12-05T01:00:00Z") };
    expect(await traffic.busiest({ resolution: "hour", ...outside, by: "errors", limit: 5 })).toEqual([]);
  });

  it("hands the cursor to one transaction at a time, and keeps what it saved", async () => {
    const inTransaction = unitOfWork(database.db);
    expect(await inTransaction(({ siteTraffic }) => siteTraffic.lockCursor("test-source"))).toBeNull();
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = inTransaction(async ({ siteTraffic }) => {
      await siteTraffic.lockCursor("test-source");
      order.push("first locked");
      await held;
      await siteTraffic.saveCursor("test-source", { logId: "abc", generation: 0, offset: 10 });
      order.push("first saved");
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = inTransaction(async ({ siteTraffic }) => {
      const seen = await siteTraffic.lockCursor("test-source");
      order.push("second locked");
      return seen;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await first;
    expect(await second).toEqual({ logId: "abc", generation: 0, offset: 10 });
    expect(order).toEqual(["first locked", "first saved", "second locked"]);
  });

  it("forgets minutes and hours past their keeping time, and a deleted site's", async () => {
    await traffic.add([minute(beta, "2026-11-01T00:00:00Z", 1)]);
    const removed = await traffic.prune({
      minutesBefore: new Date("2026-12-04T10:30:00Z"),
      hoursBefore: new Date("2026-11-02T00:00:00Z"),
    });
    // the minutes of 10:01 (alpha, beta), 10:03 (beta) and of 2026-11-01 (beta), and beta's November hour
    expect(removed).toBe(5);
    const all = { from: new Date(0), to: new Date("2027-01-01T00:00:00Z") };
    expect((await traffic.series(alpha, "minute", all)).map((point) => point.at.toISOString())).toEqual([
      "2026-12-04T10:59:00.000Z",
      "2026-12-04T11:00:00.000Z",
    ]);
    await sites.delete(alpha);
    expect(await traffic.series(alpha, "hour", all)).toEqual([]);
  });
});
