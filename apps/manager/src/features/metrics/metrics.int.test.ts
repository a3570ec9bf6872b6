/** GET /metrics: Prometheus text from a real PostgreSQL, behind its bearer token; absent without one. */

import { PlatformUsageQuery } from "@director/db/platform-usage.query";
import { SiteDiskRepository } from "@director/db/site-disk.repository";
import type { SiteId } from "@director/domain/site";
import { createTestSite } from "@director/testing/db-factories";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";

const token = "metrics-token-0123456789";

describe("metrics", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    ({ app } = await buildTestManagerApp(database, { config: testManagerConfig({ metrics: { token } }) }));
    await createTestSite(database.db, { name: "one", type: "static" });
    await createTestSite(database.db, { name: "two", type: "dynamic" });
    await database.db.updateTable("sites").set({ availability: "disabled" }).where("name", "=", "two").execute();
    const site = await database.db.selectFrom("sites").select("id").where("name", "=", "one").executeTakeFirstOrThrow();
    await database.db
      .insertInto("operations")
      .values({ site_id: site.id, site_name: "one", kind: "create_site", status: "failed" })
      .execute();
    await database.db.insertInto("users").values({ username: "t1", role: "teacher" }).execute();
    const soon = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const later = new Date(Date.now() + 60 * 24 * 3600 * 1000);
    await database.db
      .insertInto("site_domains")
      .values([
        { site_id: site.id, domain: "a.example", status: "failed" },
        { site_id: site.id, domain: "b.example", status: "active", certificate_not_after: soon },
        { site_id: site.id, domain: "c.example", status: "active", certificate_not_after: later },
      ])
      .execute();
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("answers Prometheus text with platform counts and request counts by route pattern", async () => {
    await app.inject({ method: "GET", url: "/api/sites/one" }); // 401, counted under its pattern
    await app.inject({ method: "GET", url: "/no/such/path/123" });
    const answer = await app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${token}` } });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toContain("text/plain");
    const text = answer.body;
    expect(text).toContain('director_sites{type="static",availability="enabled"} 1');
    expect(text).toContain('director_sites{type="dynamic",availability="disabled"} 1');
    expect(text).toContain('director_operations{kind="create_site",status="failed"} 1');
    expect(text).toMatch(/^director_operations_failed 1$/m);
    expect(text).toContain('director_users{role="teacher",isSuperuser="false"} 1');
    expect(text).toContain('director_custom_domains{status="failed"} 1');
    expect(text).toContain('director_custom_domains{status="active"} 2');
    expect(text).toMatch(/^director_certificates_expiring 1$/m);
    expect(text).toContain('director_http_requests_total{method="GET",route="/api/sites/:name",status="401"} 1');
    expect(text).toContain('director_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain(
      'director_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/sites/:name"}',
    );
    expect(text).not.toContain("/no/such/path");
    expect(text).toContain("director_manager_process_cpu_seconds_total");
  });

  it("gives the traffic of the last five whole minutes, in all and for the busiest sites up to the limit", async () => {
    const ids = await database.db.selectFrom("sites").select(["id", "name"]).execute();
    const idOf = (name: string) => ids.find((site) => site.name === name)?.id ?? 0;
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    const row = (name: string, minutesAgo: number, requests: number, status5xx = 0) => ({
      site_id: idOf(name),
      period_start: new Date(minuteStart - minutesAgo * 60_000),
      requests,
      bytes_sent: requests * 100,
      status_2xx: requests - status5xx,
      status_3xx: 0,
      status_4xx: 0,
      status_5xx: status5xx,
      request_time_ms_sum: 0,
      request_time_ms_max: 0,
    });
    await database.db
      .insertInto("site_traffic_minutes")
      .values([
        row("one", 1, 30, 2),
        row("one", 5, 10),
        row("two", 2, 7),
        // outside the window: the minute under way, and one six minutes back
        row("one", 0, 1000),
        row("two", 6, 1000),
      ])
      .execute();
    const scrape = async (target: FastifyInstance) =>
      (await target.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${token}` } })).body;
    const text = await scrape(app);
    expect(text).toContain('director_traffic_requests{class="2xx"} 45');
    expect(text).toContain('director_traffic_requests{class="5xx"} 2');
    expect(text).toMatch(/^director_traffic_bytes_sent 4700$/m);
    expect(text).toContain('director_site_requests{site="one"} 40');
    expect(text).toContain('director_site_requests{site="two"} 7');
    expect(text).toContain('director_site_server_errors{site="one"} 2');
    expect(text).toContain('director_site_bytes_sent{site="two"} 700');
    await database.db
      .insertInto("usage_alerts")
      .values({ site_id: idOf("one"), kind: "memory_limit", sent_at: new Date() })
      .execute();
    const withAlert = await scrape(app);
    expect(withAlert).toContain('director_usage_alerts{kind="memory_limit"} 1');
    expect(withAlert).toContain('director_usage_alerts{kind="server_errors"} 0');

    // Running processes and disks, as the collectors last left them.
    await database.db
      .insertInto("usage_cursors")
      .values({ source: "resources", cursor: JSON.stringify({ cpuUsageNs: { aaaaaaaaaaaa: 1 } }) })
      .onConflict((oc) => oc.column("source").doNothing())
      .execute();
    await new SiteDiskRepository(database.db).record(
      [{ siteId: idOf("one") as SiteId, usedBytes: 5_000, quotaBytes: 20_000_000, usedInodes: 1, totalInodes: 9 }],
      new Date(),
    );
    await new PlatformUsageQuery(database.db).recordSpace({ totalBytes: 9_000_000, freeBytes: 4_000_000 }, new Date());
    const platform = await scrape(app);
    expect(platform).toMatch(/^director_site_processes_running 1$/m);
    expect(platform).toContain('director_site_disk_bytes{kind="used"} 5000');
    expect(platform).toContain('director_site_disk_bytes{kind="quota"} 20000000');
    expect(platform).toContain('director_sites_filesystem_bytes{kind="free"} 4000000');
    expect(platform).toContain('director_sites_filesystem_bytes{kind="total"} 9000000');

    // The administrator's limit: one site's series, the busiest; none at all with 0.
    for (const [siteSeries, sites] of [
      [1, ["one"]],
      [0, []],
    ] as const) {
      const limited = await buildTestManagerApp(database, {
        config: testManagerConfig({ metrics: { token, siteSeries } }),
      });
      const limitedText = await scrape(limited.app);
      const named = [...limitedText.matchAll(/^director_site_requests\{site="([^"]+)"\}/gm)].map((match) => match[1]);
      expect(named).toEqual(sites);
      expect(limitedText).toContain('director_traffic_requests{class="2xx"} 45');
      await limited.app.close();
    }
  });

  it("refuses a missing or wrong token", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: token }]) {
      const answer = await app.inject({ method: "GET", url: "/metrics", headers });
      expect([answer.statusCode, answer.json().error.code]).toEqual([401, "AUTH_REQUIRED"]);
    }
  });

  it("has no /metrics route without a token configured", async () => {
    const plain = await buildTestManagerApp(database);
    const answer = await plain.app.inject({ method: "GET", url: "/metrics" });
    expect(answer.statusCode).toBe(404);
    await plain.app.close();
  });
});
