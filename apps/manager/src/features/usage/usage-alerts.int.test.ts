/**
 * Usage alerts on a real PostgreSQL: a site answering mostly 5xx, a process at its memory limit and a site at 90 % of
 * its disk quota are each mailed to
 * the site's members once (two workers at once included), not again within a day, and again after it; a healthy site,
 * or too few requests, is no alert.
 */
import { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import { SiteDiskRepository } from "@director/db/site-disk.repository";
import { UsageAlertsRepository } from "@director/db/usage-alerts.repository";
import type { SiteId } from "@director/domain/site";
import { createTestSite } from "@director/testing/db-factories";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import { defaultUsageAlertsOptions, UsageAlerts } from "./usage-alerts.js";

const mib = 1024 * 1024;
const hourMs = 3600_000;

describe("UsageAlerts", () => {
  let database: ServerTestDatabase;
  const ids: Record<string, SiteId> = {};
  const warnings: string[] = [];
  const alerts = () =>
    new UsageAlerts({
      alerts: new UsageAlertsRepository(database.db),
      outbox: new MailOutboxRepository(database.db),
      mailWakeup: new InProcessWakeup(),
      log: { warn: (fields: object) => warnings.push(JSON.stringify(fields)) },
      options: defaultUsageAlertsOptions,
    });
  const traffic = async (site: string, at: Date, requests: number, status5xx: number) =>
    database.db
      .insertInto("site_traffic_minutes")
      .values({
        site_id: ids[site] ?? 0,
        period_start: new Date(Math.floor(at.getTime() / 60_000) * 60_000),
        requests,
        bytes_sent: requests * 100,
        status_2xx: requests - status5xx,
        status_3xx: 0,
        status_4xx: 0,
        status_5xx: status5xx,
        request_time_ms_sum: 0,
        request_time_ms_max: 0,
      })
      .execute();
  const memory = async (site: string, at: Date, heldMib: number) =>
    database.db
      .insertInto("site_resource_minutes")
      .values({
        site_id: ids[site] ?? 0,
        period_start: new Date(Math.floor(at.getTime() / 60_000) * 60_000),
        cpu_ms: 1000,
        memory_max_bytes: heldMib * mib,
        memory_limit_bytes: 100 * mib,
      })
      .execute();
  const disk = async (site: string, usedMib: number, quotaMib: number) =>
    new SiteDiskRepository(database.db).record(
      [
        {
          siteId: ids[site] ?? (0 as SiteId),
          usedBytes: usedMib * mib,
          quotaBytes: quotaMib * mib,
          usedInodes: 10,
          totalInodes: 100,
        },
      ],
      new Date("2026-12-04T11:59:00Z"),
    );
  const ended = async (site: string, at: Date, kind: "crash" | "oom", count: number) => {
    for (let index = 0; index < count; index += 1) {
      await database.db
        .insertInto("site_process_events")
        .values({
          container_id: `${site}${kind}${index}`.padEnd(12, "0").replace(/[^0-9a-f]/g, "a"),
          kind,
          site_id: ids[site] ?? 0,
          at,
          exit_code: kind === "oom" ? 137 : 1,
        })
        .execute();
    }
  };
  const outbox = async () =>
    (await database.db.selectFrom("mail_outbox").select(["recipients", "subject", "body"]).orderBy("id").execute()).map(
      (row) => ({ to: row.recipients, subject: row.subject, text: row.body }),
    );

  beforeAll(async () => {
    database = await createServerTestDatabase();
    const [ann, bob] = await Promise.all(
      ["ann", "bob"].map(async (username) =>
        database.db
          .insertInto("users")
          .values({ username, email: `${username}@school.example`, role: "student" })
          .returning("id")
          .executeTakeFirstOrThrow(),
      ),
    );
    for (const name of ["failing", "hungry", "healthy", "quiet", "crowded", "crashy", "leaky"]) {
      ids[name] = (await createTestSite(database.db, { name, memberIds: [ann?.id ?? 0, bob?.id ?? 0] })).id as SiteId;
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("mails the members of a site that answers mostly 5xx, and of one at its memory limit, once", async () => {
    const now = new Date("2026-12-04T12:00:00Z");
    await traffic("failing", new Date(now.getTime() - 20 * 60_000), 40, 31);
    await traffic("healthy", new Date(now.getTime() - 20 * 60_000), 400, 10);
    await traffic("quiet", new Date(now.getTime() - 20 * 60_000), 5, 5); // all errors, but too few to mean much
    await memory("hungry", new Date(now.getTime() - 10 * 60_000), 97);
    await memory("healthy", new Date(now.getTime() - 10 * 60_000), 40);
    await disk("crowded", 93, 100);
    await disk("healthy", 89, 100);
    await ended("crashy", new Date(now.getTime() - 5 * 60_000), "crash", 3);
    await ended("healthy", new Date(now.getTime() - 5 * 60_000), "crash", 2); // twice: not a loop yet
    await ended("leaky", new Date(now.getTime() - 5 * 60_000), "oom", 2);
    await ended("hungry", new Date(now.getTime() - 5 * 60_000), "oom", 1); // once: not "repeatedly"
    // Two workers at once: each alert is sent by one of them.
    const [first, second] = await Promise.all([alerts().run(now), alerts().run(now)]);
    const sent = [...first, ...second].map((alert) => `${alert.siteName} ${alert.kind}`).sort();
    expect(sent).toEqual([
      "crashy restart_loop",
      "crowded disk_quota",
      "failing server_errors",
      "hungry memory_limit",
      "leaky oom_killed",
    ]);
    const mails = await outbox();
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      "Director: your site crashy keeps crashing",
      "Director: your site crowded is nearly out of disk space",
      "Director: your site failing answers mostly with errors",
      "Director: your site hungry is at its memory limit",
      "Director: your site leaky keeps running out of memory",
    ]);
    expect(mails[0]?.to).toEqual(["ann@school.example", "bob@school.example"]);
    expect(mails.map((mail) => mail.text).join("\n")).toContain("31 of 40 requests were answered with a server error");
    expect(mails.map((mail) => mail.text).join("\n")).toContain("held 97 MiB of its 100 MiB memory limit");
    expect(mails.map((mail) => mail.text).join("\n")).toContain("Now its files take 93 MiB of its 100 MiB disk quota.");
    expect(mails.map((mail) => mail.text).join("\n")).toContain("its process crashed 3 times (last exit code 1)");
    expect(mails.map((mail) => mail.text).join("\n")).toContain("killed 2 times for reaching its memory limit");
    expect(warnings).toHaveLength(5);
    // Still failing an hour later: not told again the same day.
    const later = new Date(now.getTime() + hourMs);
    await traffic("failing", new Date(later.getTime() - 5 * 60_000), 40, 40);
    expect(await alerts().run(later)).toEqual([]);
  });

  it("tells again a day later when it still happens, and counts alerted sites for Prometheus", async () => {
    const nextDay = new Date("2026-12-05T12:30:00Z");
    await traffic("failing", new Date(nextDay.getTime() - 5 * 60_000), 50, 50);
    const sent = await alerts().run(nextDay);
    // The crowded site is still at 93 %: told again the next day too.
    expect(sent.map((alert) => alert.siteName).sort()).toEqual(["crowded", "failing"]);
    expect(await outbox()).toHaveLength(7);
    const counts = await new UsageAlertsRepository(database.db).countSince(new Date("2026-12-05T00:00:00Z"));
    expect(counts).toEqual({ server_errors: 1, memory_limit: 0, disk_quota: 1, restart_loop: 0, oom_killed: 0 });
  });
});
