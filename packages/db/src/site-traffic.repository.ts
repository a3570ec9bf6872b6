/**
 * Sites' traffic by minute and by hour (migration 0018), and where the manager is in each traffic log. Counts are
 * only ever added to, in the transaction that moves the log's cursor (`lockCursor` … `add` … `saveCursor`), so a
 * request read twice from the log is never counted twice.
 */
import type { SiteId } from "@director/domain/site";
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";
import { sparklinesOf, type UsageResolution, usagePeriodMs } from "./usage-periods.js";

/** What a minute or an hour of one site's traffic holds. */
export interface TrafficCounts {
  requests: number;
  bytesSent: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
  requestTimeMsSum: number;
  requestTimeMsMax: number;
}

/** One site's traffic in the minute starting at `minute`. */
export interface SiteTrafficMinute extends TrafficCounts {
  siteId: SiteId;
  minute: Date;
}

/** A point of a site's series: the period's start and its counts. */
export interface TrafficPoint extends TrafficCounts {
  at: Date;
}

export type TrafficResolution = UsageResolution;

/** A site among the busiest over a window. */
export interface BusySite {
  siteId: SiteId;
  name: string;
  requests: number;
  bytesSent: number;
  /** 5xx answers */
  errors: number;
  /** requests per period, oldest first */
  sparkline: number[];
}

const tables = { minute: "site_traffic_minutes", hour: "site_traffic_hours" } as const;
const periodMs = usagePeriodMs;
/** Rows per INSERT: 10 parameters each, far under PostgreSQL's 65,535. */
const rowsPerStatement = 1000;

/** What every site was served together over a range. */
export interface PlatformTraffic {
  requests: number;
  bytesSent: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
}

export class SiteTrafficRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /**
   * The source's cursor (null: none yet), its row locked until the transaction ends: a second collector waits here
   * and then reads the cursor the first one saved. Call on the repository of a transaction (unit-of-work.ts).
   */
  async lockCursor(source: string, trx: DatabaseHandle = this.#db): Promise<Record<string, unknown> | null> {
    // a row to lock even before the first read (an empty object is "no cursor yet")
    await trx
      .insertInto("usage_cursors")
      .values({ source, cursor: JSON.stringify({}) })
      .onConflict((oc) => oc.column("source").doNothing())
      .execute();
    const row = await trx
      .selectFrom("usage_cursors")
      .select("cursor")
      .where("source", "=", source)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return Object.keys(row.cursor).length === 0 ? null : row.cursor;
  }

  async saveCursor(source: string, cursor: Record<string, unknown>, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("usage_cursors")
      .set({ cursor: JSON.stringify(cursor), updated_at: sql<Date>`now()` })
      .where("source", "=", source)
      .execute();
  }

  /** Adds minutes of traffic to the sites' minutes and to the hours they fall in. */
  async add(minutes: readonly SiteTrafficMinute[], trx: DatabaseHandle = this.#db): Promise<void> {
    if (minutes.length === 0) return;
    // a site's name and its own domain are two hosts of one site: their minutes are one row
    await this.#addTo("minute", sumByPeriod(minutes, "minute"), trx);
    await this.#addTo("hour", sumByPeriod(minutes, "hour"), trx);
  }

  /**
   * A mark of the site's latest counted minute (its start and requests so far), which changes whenever the collector
   * adds to the site: the live channel compares marks, not counts. Null when nothing was ever counted (or was pruned).
   */
  async latestMark(siteId: SiteId): Promise<string | null> {
    const row = await this.#db
      .selectFrom("site_traffic_minutes")
      .select(["period_start", "requests"])
      .where("site_id", "=", siteId)
      .orderBy("period_start", "desc")
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : `${row.period_start.toISOString()}/${row.requests}`;
  }

  /** The site's counts from `from` (inclusive) to `to` (exclusive), period by period; periods without traffic are absent. */
  async series(
    siteId: SiteId,
    resolution: TrafficResolution,
    range: { from: Date; to: Date },
  ): Promise<TrafficPoint[]> {
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
      requests: Number(row.requests),
      bytesSent: Number(row.bytes_sent),
      status2xx: Number(row.status_2xx),
      status3xx: Number(row.status_3xx),
      status4xx: Number(row.status_4xx),
      status5xx: Number(row.status_5xx),
      requestTimeMsSum: Number(row.request_time_ms_sum),
      requestTimeMsMax: row.request_time_ms_max,
    }));
  }

  /**
   * The busiest sites from `from` to `to` by one of their totals, with their names and their requests per period
   * (for sparklines: the same resolution's periods, oldest first, zeros where nothing was served).
   */
  async busiest(query: {
    resolution: TrafficResolution;
    from: Date;
    to: Date;
    by: "requests" | "bytes" | "errors";
    limit: number;
  }): Promise<BusySite[]> {
    const table = tables[query.resolution];
    const column = { requests: "requests", bytes: "bytes_sent", errors: "status_5xx" }[query.by];
    const totals = await this.#db
      .selectFrom(table)
      .innerJoin("sites", "sites.id", `${table}.site_id`)
      .select([
        `${table}.site_id as siteId`,
        "sites.name as name",
        sql<string>`sum(${sql.ref(`${table}.requests`)})`.as("requests"),
        sql<string>`sum(${sql.ref(`${table}.bytes_sent`)})`.as("bytesSent"),
        sql<string>`sum(${sql.ref(`${table}.status_5xx`)})`.as("errors"),
      ])
      .where(`${table}.period_start`, ">=", query.from)
      .where(`${table}.period_start`, "<", query.to)
      .groupBy([`${table}.site_id`, "sites.name"])
      .orderBy(sql`sum(${sql.ref(`${table}.${column}`)})`, "desc")
      .orderBy("sites.name")
      .limit(query.limit)
      .execute();
    if (totals.length === 0) return [];
    const points = await this.#db
      .selectFrom(table)
      .select(["site_id", "period_start", "requests"])
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
      points.map((point) => ({ ...point, value: Number(point.requests) })),
      { from: query.from, to: query.to, periodMs: periodMs[query.resolution] },
    );
    return totals.map((row) => ({
      siteId: row.siteId as SiteId,
      name: row.name,
      requests: Number(row.requests),
      bytesSent: Number(row.bytesSent),
      errors: Number(row.errors),
      sparkline: sparklines.get(row.siteId) ?? [],
    }));
  }

  /** Every site's minutes from `from` to `to` summed: what the balancer served in all. */
  async platformTotals(range: { from: Date; to: Date }): Promise<PlatformTraffic> {
    const row = await this.#db
      .selectFrom("site_traffic_minutes")
      .select([
        sql<string>`coalesce(sum(requests), 0)`.as("requests"),
        sql<string>`coalesce(sum(bytes_sent), 0)`.as("bytesSent"),
        sql<string>`coalesce(sum(status_2xx), 0)`.as("status2xx"),
        sql<string>`coalesce(sum(status_3xx), 0)`.as("status3xx"),
        sql<string>`coalesce(sum(status_4xx), 0)`.as("status4xx"),
        sql<string>`coalesce(sum(status_5xx), 0)`.as("status5xx"),
      ])
      .where("period_start", ">=", range.from)
      .where("period_start", "<", range.to)
      .executeTakeFirstOrThrow();
    return {
      requests: Number(row.requests),
      bytesSent: Number(row.bytesSent),
      status2xx: Number(row.status2xx),
      status3xx: Number(row.status3xx),
      status4xx: Number(row.status4xx),
      status5xx: Number(row.status5xx),
    };
  }

  /** Forgets minutes before `minutesBefore` and hours before `hoursBefore`; returns the rows removed. */
  async prune(before: { minutesBefore: Date; hoursBefore: Date }): Promise<number> {
    const minutes = await this.#db
      .deleteFrom("site_traffic_minutes")
      .where("period_start", "<", before.minutesBefore)
      .executeTakeFirst();
    const hours = await this.#db
      .deleteFrom("site_traffic_hours")
      .where("period_start", "<", before.hoursBefore)
      .executeTakeFirst();
    return Number(minutes.numDeletedRows) + Number(hours.numDeletedRows);
  }

  /**
   * The sites the hosts are: `<name>.<sitesDomain>` is the site of that name, any other host the site whose own
   * domain it is. A host that is no site's (the manager's, one typed by hand) is left out.
   */
  async siteIdsByHost(hosts: readonly string[], sitesDomain: string): Promise<Map<string, SiteId>> {
    const found = new Map<string, SiteId>();
    if (hosts.length === 0) return found;
    const suffix = `.${sitesDomain}`;
    const byName = new Map<string, string>();
    const others: string[] = [];
    for (const host of hosts) {
      const name = host.endsWith(suffix) ? host.slice(0, -suffix.length) : null;
      if (name !== null && name !== "" && !name.includes(".")) byName.set(name, host);
      else others.push(host);
    }
    if (byName.size > 0) {
      const sites = await this.#db
        .selectFrom("sites")
        .select(["id", "name"])
        .where("name", "in", [...byName.keys()])
        .execute();
      for (const site of sites) found.set(byName.get(site.name) as string, site.id as SiteId);
    }
    if (others.length > 0) {
      const domains = await this.#db
        .selectFrom("site_domains")
        .select(["site_id", "domain"])
        .where("domain", "in", others)
        .execute();
      for (const row of domains) found.set(row.domain, row.site_id as SiteId);
    }
    return found;
  }

  async #addTo(resolution: TrafficResolution, rows: readonly SiteTrafficMinute[], trx: DatabaseHandle): Promise<void> {
    const table = tables[resolution];
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      const batch = rows.slice(start, start + rowsPerStatement);
      await trx
        .insertInto(table)
        .values(
          batch.map((row) => ({
            site_id: row.siteId,
            period_start: row.minute,
            requests: row.requests,
            bytes_sent: row.bytesSent,
            status_2xx: row.status2xx,
            status_3xx: row.status3xx,
            status_4xx: row.status4xx,
            status_5xx: row.status5xx,
            request_time_ms_sum: row.requestTimeMsSum,
            request_time_ms_max: row.requestTimeMsMax,
          })),
        )
        .onConflict((oc) =>
          oc.columns(["site_id", "period_start"]).doUpdateSet({
            requests: sql`${sql.table(table)}.requests + excluded.requests`,
            bytes_sent: sql`${sql.table(table)}.bytes_sent + excluded.bytes_sent`,
            status_2xx: sql`${sql.table(table)}.status_2xx + excluded.status_2xx`,
            status_3xx: sql`${sql.table(table)}.status_3xx + excluded.status_3xx`,
            status_4xx: sql`${sql.table(table)}.status_4xx + excluded.status_4xx`,
            status_5xx: sql`${sql.table(table)}.status_5xx + excluded.status_5xx`,
            request_time_ms_sum: sql`${sql.table(table)}.request_time_ms_sum + excluded.request_time_ms_sum`,
            request_time_ms_max: sql`greatest(${sql.table(table)}.request_time_ms_max, excluded.request_time_ms_max)`,
          }),
        )
        .execute();
    }
  }
}

/**
 * Minutes summed by site and by the period they fall in (their `minute` becoming the period's start), so that one
 * statement never names a row twice (PostgreSQL refuses ON CONFLICT updating a row twice in one command).
 */
export function sumByPeriod(minutes: readonly SiteTrafficMinute[], resolution: TrafficResolution): SiteTrafficMinute[] {
  const sums = new Map<string, SiteTrafficMinute>();
  for (const minute of minutes) {
    const start = new Date(Math.floor(minute.minute.getTime() / periodMs[resolution]) * periodMs[resolution]);
    const key = `${minute.siteId}@${start.getTime()}`;
    const sum = sums.get(key);
    if (sum === undefined) {
      sums.set(key, { ...minute, minute: start });
      continue;
    }
    sum.requests += minute.requests;
    sum.bytesSent += minute.bytesSent;
    sum.status2xx += minute.status2xx;
    sum.status3xx += minute.status3xx;
    sum.status4xx += minute.status4xx;
    sum.status5xx += minute.status5xx;
    sum.requestTimeMsSum += minute.requestTimeMsSum;
    sum.requestTimeMsMax = Math.max(sum.requestTimeMsMax, minute.requestTimeMsMax);
  }
  return [...sums.values()];
}
