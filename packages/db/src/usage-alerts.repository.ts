/**
 * Sites whose use is worth telling someone about (migration 0020), and the claim that tells each at most once a day
 * per kind: the last hour's minutes are read, and a candidate is claimed by inserting (or moving forward) its row
 * only when its last alert is older than a day, in one statement.
 */
import type { SiteId } from "@director/domain/site";
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";

export type UsageAlertKind = "server_errors" | "memory_limit" | "disk_quota" | "restart_loop" | "oom_killed";

/** A site to alert about, with what makes it so. */
export interface UsageAlertCandidate {
  siteId: SiteId;
  siteName: string;
  kind: UsageAlertKind;
  /** in words, with the numbers: "312 of 400 requests answered 5xx" */
  details: string;
}

export class UsageAlertsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /**
   * Sites that served at least `minRequests` from `since` with at least `errorShare` of them 5xx, and sites whose
   * process held at least `memoryShare` of its limit.
   */
  async candidates(query: {
    since: Date;
    minRequests: number;
    errorShare: number;
    memoryShare: number;
    /** sites holding at least this share of their disk quota (last measure) */
    diskShare: number;
    /** sites whose process crashed at least this often since `since` */
    minCrashes: number;
    /** sites whose process was killed for memory at least this often since `since` */
    minOomKills: number;
  }): Promise<UsageAlertCandidate[]> {
    const errors = await this.#db
      .selectFrom("site_traffic_minutes")
      .innerJoin("sites", "sites.id", "site_traffic_minutes.site_id")
      .select([
        "sites.id as siteId",
        "sites.name as siteName",
        sql<string>`sum(site_traffic_minutes.requests)`.as("requests"),
        sql<string>`sum(site_traffic_minutes.status_5xx)`.as("errors"),
      ])
      .where("site_traffic_minutes.period_start", ">=", query.since)
      .groupBy(["sites.id", "sites.name"])
      .having(sql`sum(site_traffic_minutes.requests)`, ">=", query.minRequests)
      .having(
        sql`sum(site_traffic_minutes.status_5xx)`,
        ">=",
        sql`cast(${query.errorShare} as double precision) * sum(site_traffic_minutes.requests)`,
      )
      .execute();
    const memory = await this.#db
      .selectFrom("site_resource_minutes")
      .innerJoin("sites", "sites.id", "site_resource_minutes.site_id")
      .select([
        "sites.id as siteId",
        "sites.name as siteName",
        sql<string>`max(site_resource_minutes.memory_max_bytes)`.as("memory"),
        sql<string>`max(site_resource_minutes.memory_limit_bytes)`.as("limit"),
      ])
      .where("site_resource_minutes.period_start", ">=", query.since)
      .where("site_resource_minutes.memory_limit_bytes", "is not", null)
      .where(
        sql<boolean>`site_resource_minutes.memory_max_bytes >= cast(${query.memoryShare} as double precision) * site_resource_minutes.memory_limit_bytes`,
      )
      .groupBy(["sites.id", "sites.name"])
      .execute();
    const disk = await this.#db
      .selectFrom("site_disk_usage")
      .innerJoin("sites", "sites.id", "site_disk_usage.site_id")
      .select(["sites.id as siteId", "sites.name as siteName", "used_bytes as used", "quota_bytes as quota"])
      .where(sql<boolean>`site_disk_usage.quota_bytes > 0`)
      .where(
        sql<boolean>`site_disk_usage.used_bytes >= cast(${query.diskShare} as double precision) * site_disk_usage.quota_bytes`,
      )
      .execute();
    const ended = await this.#db
      .selectFrom("site_process_events")
      .innerJoin("sites", "sites.id", "site_process_events.site_id")
      .select([
        "sites.id as siteId",
        "sites.name as siteName",
        "site_process_events.kind",
        sql<string>`count(*)`.as("count"),
        sql<number | null>`max(site_process_events.exit_code)`.as("exitCode"),
      ])
      .where("site_process_events.at", ">=", query.since)
      .groupBy(["sites.id", "sites.name", "site_process_events.kind"])
      .execute();
    const mib = (bytes: string) => Math.round(Number(bytes) / 1024 / 1024);
    return [
      ...errors.map((row) => ({
        siteId: row.siteId as SiteId,
        siteName: row.siteName,
        kind: "server_errors" as const,
        details: `${row.errors} of ${row.requests} requests were answered with a server error (5xx)`,
      })),
      ...memory.map((row) => ({
        siteId: row.siteId as SiteId,
        siteName: row.siteName,
        kind: "memory_limit" as const,
        details: `its process held ${mib(row.memory)} MiB of its ${mib(row.limit)} MiB memory limit`,
      })),
      ...disk.map((row) => ({
        siteId: row.siteId as SiteId,
        siteName: row.siteName,
        kind: "disk_quota" as const,
        details: `its files take ${mib(row.used)} MiB of its ${mib(row.quota)} MiB disk quota`,
      })),
      ...ended
        .filter((row) => Number(row.count) >= (row.kind === "crash" ? query.minCrashes : query.minOomKills))
        .map((row) => ({
          siteId: row.siteId as SiteId,
          siteName: row.siteName,
          kind: row.kind === "crash" ? ("restart_loop" as const) : ("oom_killed" as const),
          details:
            row.kind === "crash"
              ? `its process crashed ${row.count} times (last exit code ${row.exitCode ?? "unknown"}) and was started again each time`
              : `its process was killed ${row.count} times for reaching its memory limit`,
        })),
    ];
  }

  /** Claims the alert unless the site was told of this kind within `quietMs`; true when this caller should tell. */
  async claim(candidate: UsageAlertCandidate, now: Date, quietMs: number): Promise<boolean> {
    const claimed = await this.#db
      .insertInto("usage_alerts")
      .values({ site_id: candidate.siteId, kind: candidate.kind, sent_at: now, details: candidate.details })
      .onConflict((oc) =>
        oc
          .columns(["site_id", "kind"])
          .doUpdateSet({ sent_at: now, details: candidate.details })
          .where("usage_alerts.sent_at", "<", new Date(now.getTime() - quietMs)),
      )
      .returning("site_id")
      .executeTakeFirst();
    return claimed !== undefined;
  }

  /** The addresses of the site's active members who have one. */
  async memberEmails(siteId: SiteId): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("site_members")
      .innerJoin("users", "users.id", "site_members.user_id")
      .select("users.email")
      .where("site_members.site_id", "=", siteId)
      .where("users.is_active", "=", true)
      .where("users.email", "!=", "")
      .orderBy("users.email")
      .execute();
    return rows.map((row) => row.email);
  }

  /** Sites alerted since `since`, by kind (for Prometheus). */
  async countSince(since: Date): Promise<Record<UsageAlertKind, number>> {
    const rows = await this.#db
      .selectFrom("usage_alerts")
      .select(["kind", sql<string>`count(*)`.as("count")])
      .where("sent_at", ">=", since)
      .groupBy("kind")
      .execute();
    const counts: Record<UsageAlertKind, number> = {
      server_errors: 0,
      memory_limit: 0,
      disk_quota: 0,
      restart_loop: 0,
      oom_killed: 0,
    };
    for (const row of rows) counts[row.kind] = Number(row.count);
    return counts;
  }
}
