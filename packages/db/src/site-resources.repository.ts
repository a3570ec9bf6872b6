/**
 * What sites' processes used, by minute and by hour (migration 0019): CPU time added up, memory as the most held.
 * Each sample is added to its minute and its hour; two samples of one site in one period (two containers during a
 * restart, or two passes) add to one row.
 */
import type { SiteId } from "@director/domain/site";
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";
import { liveSiteIds } from "./live-sites.js";
import { sparklinesOf, type UsageResolution, usagePeriodMs } from "./usage-periods.js";

/** A site's use measured at one moment: the CPU time since its last sample, the memory it holds now. */
export interface SiteResourceUse {
  siteId: SiteId;
  at: Date;
  cpuMs: number;
  memoryBytes: number;
  memoryLimitBytes: number | null;
}

/** A site among the busiest by its process over a window. */
export interface BusyProcess {
  siteId: SiteId;
  name: string;
  cpuMs: number;
  memoryMaxBytes: number;
  memoryLimitBytes: number | null;
  /** CPU ms per period over the window, oldest first, zeros where the process did not run */
  sparkline: number[];
}

/** One period of a site's use. */
export interface ResourcePoint {
  at: Date;
  cpuMs: number;
  memoryMaxBytes: number;
  memoryLimitBytes: number | null;
}

const tables = { minute: "site_resource_minutes", hour: "site_resource_hours" } as const;
const periodMs = usagePeriodMs;
const rowsPerStatement = 1000;

export class SiteResourcesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Adds each use to its minute and its hour. */
  async add(uses: readonly SiteResourceUse[]): Promise<void> {
    for (const resolution of ["minute", "hour"] as const) {
      const table = tables[resolution];
      const rows = mergeByPeriod(uses, periodMs[resolution]);
      for (let start = 0; start < rows.length; start += rowsPerStatement) {
        await this.#db
          .insertInto(table)
          .values(
            rows.slice(start, start + rowsPerStatement).map((row) => ({
              site_id: row.siteId,
              period_start: row.at,
              cpu_ms: row.cpuMs,
              memory_max_bytes: row.memoryBytes,
              memory_limit_bytes: row.memoryLimitBytes,
            })),
          )
          .onConflict((oc) =>
            oc.columns(["site_id", "period_start"]).doUpdateSet({
              cpu_ms: sql`${sql.table(table)}.cpu_ms + excluded.cpu_ms`,
              memory_max_bytes: sql`greatest(${sql.table(table)}.memory_max_bytes, excluded.memory_max_bytes)`,
              memory_limit_bytes: sql`excluded.memory_limit_bytes`,
            }),
          )
          .execute();
      }
    }
  }

  /** A mark of the site's latest sampled minute, which changes with each sample while its process runs; null: none. */
  async latestMark(siteId: SiteId): Promise<string | null> {
    const row = await this.#db
      .selectFrom("site_resource_minutes")
      .select(["period_start", "cpu_ms", "memory_max_bytes"])
      .where("site_id", "=", siteId)
      .orderBy("period_start", "desc")
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : `${row.period_start.toISOString()}/${row.cpu_ms}/${row.memory_max_bytes}`;
  }

  /** The site's periods from `from` (inclusive) to `to` (exclusive); periods in which it did not run are absent. */
  async series(siteId: SiteId, resolution: UsageResolution, range: { from: Date; to: Date }): Promise<ResourcePoint[]> {
    const rows = await this.#db
      .selectFrom(tables[resolution])
      .selectAll()
      .where("site_id", "=", siteId)
      .where("period_start", ">=", range.from)
      .where("period_start", "<", range.to)
      .orderBy("period_start")
      .execute();
    return rows.map((row) => ({
      at: row.period_start,
      cpuMs: Number(row.cpu_ms),
      memoryMaxBytes: Number(row.memory_max_bytes),
      memoryLimitBytes: row.memory_limit_bytes === null ? null : Number(row.memory_limit_bytes),
    }));
  }

  /** The sites whose processes used the most CPU time (or held the most memory) from `from` to `to`. */
  async busiest(query: {
    resolution: UsageResolution;
    from: Date;
    to: Date;
    by: "cpu" | "memory";
    limit: number;
  }): Promise<BusyProcess[]> {
    const table = tables[query.resolution];
    const order =
      query.by === "cpu" ? sql`sum(${sql.ref(`${table}.cpu_ms`)})` : sql`max(${sql.ref(`${table}.memory_max_bytes`)})`;
    const totals = await this.#db
      .selectFrom(table)
      .innerJoin("sites", "sites.id", `${table}.site_id`)
      .select([
        `${table}.site_id as siteId`,
        "sites.name as name",
        sql<string>`sum(${sql.ref(`${table}.cpu_ms`)})`.as("cpuMs"),
        sql<string>`max(${sql.ref(`${table}.memory_max_bytes`)})`.as("memoryMaxBytes"),
        sql<string | null>`max(${sql.ref(`${table}.memory_limit_bytes`)})`.as("memoryLimitBytes"),
      ])
      .where(`${table}.period_start`, ">=", query.from)
      .where(`${table}.period_start`, "<", query.to)
      .groupBy([`${table}.site_id`, "sites.name"])
      .orderBy(order, "desc")
      .orderBy("sites.name")
      .limit(query.limit)
      .execute();
    if (totals.length === 0) return [];
    const points = await this.#db
      .selectFrom(table)
      .select(["site_id", "period_start", "cpu_ms"])
      .where(
        "site_id",
        "in",
        totals.map((row) => row.siteId),
      )
      .where("period_start", ">=", query.from)
      .where("period_start", "<", query.to)
      .execute();
    const sparklines = sparklinesOf(
      totals.map((row) => row.siteId),
      points.map((point) => ({ ...point, value: Number(point.cpu_ms) })),
      { from: query.from, to: query.to, periodMs: periodMs[query.resolution] },
    );
    return totals.map((row) => ({
      siteId: row.siteId as SiteId,
      name: row.name,
      cpuMs: Number(row.cpuMs),
      memoryMaxBytes: Number(row.memoryMaxBytes),
      memoryLimitBytes: row.memoryLimitBytes === null ? null : Number(row.memoryLimitBytes),
      sparkline: sparklines.get(row.siteId) ?? [],
    }));
  }

  /** Forgets minutes before `minutesBefore` and hours before `hoursBefore`; returns the rows removed. */
  async prune(before: { minutesBefore: Date; hoursBefore: Date }): Promise<number> {
    const minutes = await this.#db
      .deleteFrom("site_resource_minutes")
      .where("period_start", "<", before.minutesBefore)
      .executeTakeFirst();
    const hours = await this.#db
      .deleteFrom("site_resource_hours")
      .where("period_start", "<", before.hoursBefore)
      .executeTakeFirst();
    const events = await this.#db
      .deleteFrom("site_process_events")
      .where("at", "<", before.minutesBefore)
      .executeTakeFirst();
    return Number(minutes.numDeletedRows) + Number(hours.numDeletedRows) + Number(events.numDeletedRows);
  }

  /**
   * Records sites' processes that crashed or were killed for memory; an event already recorded (the orchestrator's
   * windows overlap) and one of a site deleted meanwhile are skipped.
   */
  async addProcessEvents(events: readonly SiteProcessEventRow[]): Promise<void> {
    if (events.length === 0) return;
    const live = await liveSiteIds(
      this.#db,
      events.map((event) => event.siteId),
    );
    const rows = events
      .filter((event) => live.has(event.siteId))
      .map((event) => ({
        container_id: event.containerId,
        kind: event.kind,
        site_id: event.siteId,
        at: event.at,
        exit_code: event.exitCode,
      }));
    if (rows.length === 0) return;
    await this.#db
      .insertInto("site_process_events")
      .values(rows)
      .onConflict((oc) => oc.columns(["container_id", "kind"]).doNothing())
      .execute();
  }
}

/** A site's process that ended on its own (contracts/orchestrator-usage.ts, SiteProcessEvent). */
export interface SiteProcessEventRow {
  siteId: SiteId;
  containerId: string;
  kind: "crash" | "oom";
  at: Date;
  exitCode: number | null;
}

/** One row per site and period: CPU added up, the most memory, the last limit (pure). */
export function mergeByPeriod(uses: readonly SiteResourceUse[], period: number): SiteResourceUse[] {
  const rows = new Map<string, SiteResourceUse>();
  for (const use of uses) {
    const at = new Date(Math.floor(use.at.getTime() / period) * period);
    const key = `${use.siteId} ${at.getTime()}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { ...use, at });
    else {
      row.cpuMs += use.cpuMs;
      row.memoryBytes = Math.max(row.memoryBytes, use.memoryBytes);
      row.memoryLimitBytes = use.memoryLimitBytes;
    }
  }
  return [...rows.values()];
}
