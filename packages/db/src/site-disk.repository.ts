/**
 * Sites' disk use and quotas (migration 0021): the last measure of each site's volume, replaced by each pass of the
 * worker, the most each held per hour (its graph), and the quotas administrators gave sites of their own.
 */
import type { SiteId } from "@director/domain/site";
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";
import { liveSiteIds } from "./live-sites.js";

/** A site's volume as last measured. */
export interface SiteDiskMeasure {
  siteId: SiteId;
  usedBytes: number;
  quotaBytes: number;
  usedInodes: number;
  totalInodes: number;
  measuredAt: Date;
}

/** The most a site held in one hour. */
export interface SiteDiskHour {
  at: Date;
  usedMaxBytes: number;
  quotaBytes: number;
}

/** A site near (or past) its quota, for administrators and alerts. */
export interface FullSite extends SiteDiskMeasure {
  siteName: string;
  /** used / quota */
  share: number;
}

export class SiteDiskRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /**
   * Replaces the measures of the sites measured; a site without a row in `measures` keeps its last one (the
   * orchestrator may not have its volume mounted just now). Sites deleted meanwhile are skipped.
   */
  async record(measures: readonly Omit<SiteDiskMeasure, "measuredAt">[], measuredAt: Date): Promise<void> {
    for (let start = 0; start < measures.length; start += 1000) {
      const chunk = measures.slice(start, start + 1000);
      const live = await liveSiteIds(
        this.#db,
        chunk.map((measure) => measure.siteId),
      );
      const rows = chunk
        .filter((measure) => live.has(measure.siteId))
        .map((measure) => ({
          site_id: measure.siteId,
          used_bytes: measure.usedBytes,
          quota_bytes: measure.quotaBytes,
          used_inodes: measure.usedInodes,
          total_inodes: measure.totalInodes,
          measured_at: measuredAt,
        }));
      if (rows.length === 0) continue;
      const hour = new Date(Math.floor(measuredAt.getTime() / 3600_000) * 3600_000);
      await this.#db
        .insertInto("site_disk_hours")
        .values(
          rows.map((row) => ({
            site_id: row.site_id,
            period_start: hour,
            used_max_bytes: row.used_bytes,
            quota_bytes: row.quota_bytes,
          })),
        )
        .onConflict((oc) =>
          oc.columns(["site_id", "period_start"]).doUpdateSet({
            used_max_bytes: sql`greatest(site_disk_hours.used_max_bytes, excluded.used_max_bytes)`,
            quota_bytes: sql`excluded.quota_bytes`,
          }),
        )
        .execute();
      await this.#db
        .insertInto("site_disk_usage")
        .values(rows)
        .onConflict((oc) =>
          oc.column("site_id").doUpdateSet({
            used_bytes: sql`excluded.used_bytes`,
            quota_bytes: sql`excluded.quota_bytes`,
            used_inodes: sql`excluded.used_inodes`,
            total_inodes: sql`excluded.total_inodes`,
            measured_at: sql`excluded.measured_at`,
          }),
        )
        .execute();
    }
  }

  /** The most the site held per hour from `from` to `to`, with its quota then; hours not measured are left out. */
  async hours(siteId: SiteId, range: { from: Date; to: Date }): Promise<SiteDiskHour[]> {
    const rows = await this.#db
      .selectFrom("site_disk_hours")
      .select(["period_start", "used_max_bytes", "quota_bytes"])
      .where("site_id", "=", siteId)
      .where("period_start", ">=", range.from)
      .where("period_start", "<", range.to)
      .orderBy("period_start")
      .execute();
    return rows.map((row) => ({
      at: row.period_start,
      usedMaxBytes: Number(row.used_max_bytes),
      quotaBytes: Number(row.quota_bytes),
    }));
  }

  /** Drops hours before `before` (90 days are kept); how many rows went. */
  async prune(before: Date): Promise<number> {
    const result = await this.#db.deleteFrom("site_disk_hours").where("period_start", "<", before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async measureOf(siteId: SiteId): Promise<SiteDiskMeasure | null> {
    const row = await this.#db
      .selectFrom("site_disk_usage")
      .selectAll()
      .where("site_id", "=", siteId)
      .executeTakeFirst();
    return row === undefined ? null : measureOf(row);
  }

  /** Sites holding at least `minShare` of their quota, the fullest first. */
  async fullest(query: { minShare: number; limit: number }): Promise<FullSite[]> {
    const share = sql<number>`cast(site_disk_usage.used_bytes as double precision) / nullif(site_disk_usage.quota_bytes, 0)`;
    const rows = await this.#db
      .selectFrom("site_disk_usage")
      .innerJoin("sites", "sites.id", "site_disk_usage.site_id")
      .selectAll("site_disk_usage")
      .select(["sites.name as siteName", share.as("share")])
      .where(share, ">=", query.minShare)
      .orderBy(share, "desc")
      .orderBy("sites.name")
      .limit(query.limit)
      .execute();
    return rows.map((row) => ({ ...measureOf(row), siteName: row.siteName, share: Number(row.share) }));
  }

  /** The quota an administrator gave the site; null: the orchestrator's default. */
  async ownQuotaOf(siteId: SiteId): Promise<number | null> {
    const row = await this.#db
      .selectFrom("site_disk_quotas")
      .select("quota_bytes")
      .where("site_id", "=", siteId)
      .executeTakeFirst();
    return row === undefined ? null : Number(row.quota_bytes);
  }

  /** Gives the site its own quota, or (null) takes it back to the default. */
  async setOwnQuota(siteId: SiteId, quotaBytes: number | null, now: Date): Promise<void> {
    if (quotaBytes === null) {
      await this.#db.deleteFrom("site_disk_quotas").where("site_id", "=", siteId).execute();
      return;
    }
    await this.#db
      .insertInto("site_disk_quotas")
      .values({ site_id: siteId, quota_bytes: quotaBytes, set_at: now })
      .onConflict((oc) => oc.column("site_id").doUpdateSet({ quota_bytes: quotaBytes, set_at: now }))
      .execute();
  }
}

function measureOf(row: {
  site_id: number;
  used_bytes: string;
  quota_bytes: string;
  used_inodes: string;
  total_inodes: string;
  measured_at: Date;
}): SiteDiskMeasure {
  return {
    siteId: row.site_id as SiteId,
    usedBytes: Number(row.used_bytes),
    quotaBytes: Number(row.quota_bytes),
    usedInodes: Number(row.used_inodes),
    totalInodes: Number(row.total_inodes),
    measuredAt: row.measured_at,
  };
}
