/**
 * What the whole platform uses, for the administrators' overview and Prometheus (issue 15): traffic summed over all
 * sites per period, the site processes running at the last sample, sites' disks summed, the room left on the
 * filesystem they take it from, and operations by status. Read-only but for the room left, which the worker saves
 * with each disk measure (in `usage_cursors`, source "sites-space": a small state row beside the collectors').
 */
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";
import type { UsageResolution } from "./usage-periods.js";

const trafficTables = { minute: "site_traffic_minutes", hour: "site_traffic_hours" } as const;
const spaceSource = "sites-space";

/** All sites' traffic in one period. */
export interface PlatformTrafficPoint {
  at: Date;
  requests: number;
  status5xx: number;
  bytesSent: number;
}

export interface SitesSpace {
  totalBytes: number;
  freeBytes: number;
  measuredAt: Date;
}

export class PlatformUsageQuery {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Every site's requests summed per period from `from` to `to`; periods without any are left out. */
  async traffic(resolution: UsageResolution, range: { from: Date; to: Date }): Promise<PlatformTrafficPoint[]> {
    const rows = await this.#db
      .selectFrom(trafficTables[resolution])
      .select([
        "period_start",
        sql<string>`sum(requests)`.as("requests"),
        sql<string>`sum(status_5xx)`.as("status5xx"),
        sql<string>`sum(bytes_sent)`.as("bytesSent"),
      ])
      .where("period_start", ">=", range.from)
      .where("period_start", "<", range.to)
      .groupBy("period_start")
      .orderBy("period_start")
      .execute();
    return rows.map((row) => ({
      at: row.period_start,
      requests: Number(row.requests),
      status5xx: Number(row.status5xx),
      bytesSent: Number(row.bytesSent),
    }));
  }

  /** The site containers running at the worker's last sample (features/usage/resource-collector.ts), and when. */
  async runningProcesses(): Promise<{ count: number; sampledAt: Date } | null> {
    const row = await this.#db
      .selectFrom("usage_cursors")
      .select(["cursor", "updated_at"])
      .where("source", "=", "resources")
      .executeTakeFirst();
    if (row === undefined) return null;
    const samples = (row.cursor as { cpuUsageNs?: Record<string, number> }).cpuUsageNs ?? {};
    return { count: Object.keys(samples).length, sampledAt: row.updated_at };
  }

  /** Sites' disks as last measured, summed. */
  async disk(): Promise<{ sites: number; usedBytes: number; quotaBytes: number }> {
    const row = await this.#db
      .selectFrom("site_disk_usage")
      .select([
        sql<string>`count(*)`.as("sites"),
        sql<string>`coalesce(sum(used_bytes), 0)`.as("used"),
        sql<string>`coalesce(sum(quota_bytes), 0)`.as("quota"),
      ])
      .executeTakeFirstOrThrow();
    return { sites: Number(row.sites), usedBytes: Number(row.used), quotaBytes: Number(row.quota) };
  }

  async space(): Promise<SitesSpace | null> {
    const row = await this.#db
      .selectFrom("usage_cursors")
      .select(["cursor", "updated_at"])
      .where("source", "=", spaceSource)
      .executeTakeFirst();
    if (row === undefined) return null;
    const space = row.cursor as { totalBytes?: unknown; freeBytes?: unknown };
    if (typeof space.totalBytes !== "number" || typeof space.freeBytes !== "number") return null;
    return { totalBytes: space.totalBytes, freeBytes: space.freeBytes, measuredAt: row.updated_at };
  }

  /** Saves the room left on the sites' filesystem (the disk collector, each pass). */
  async recordSpace(space: { totalBytes: number; freeBytes: number }, measuredAt: Date): Promise<void> {
    await this.#db
      .insertInto("usage_cursors")
      .values({ source: spaceSource, cursor: JSON.stringify(space), updated_at: measuredAt })
      .onConflict((oc) => oc.column("source").doUpdateSet({ cursor: JSON.stringify(space), updated_at: measuredAt }))
      .execute();
  }

  /** Operations by status, over all kinds. */
  async operationsByStatus(): Promise<Record<"pending" | "running" | "failed", number>> {
    const rows = await this.#db
      .selectFrom("operations")
      .select(["status", sql<string>`count(*)`.as("count")])
      .where("status", "in", ["pending", "running", "failed"])
      .groupBy("status")
      .execute();
    const counts = { pending: 0, running: 0, failed: 0 };
    for (const row of rows) counts[row.status as keyof typeof counts] = Number(row.count);
    return counts;
  }

  /** Sites by type. */
  async sites(): Promise<{ total: number; static: number; dynamic: number }> {
    const rows = await this.#db
      .selectFrom("sites")
      .select(["type", sql<string>`count(*)`.as("count")])
      .groupBy("type")
      .execute();
    const byType = Object.fromEntries(rows.map((row) => [row.type, Number(row.count)]));
    const counts = { static: byType.static ?? 0, dynamic: byType.dynamic ?? 0 };
    return { total: counts.static + counts.dynamic, ...counts };
  }
}
