/**
 * Renamed sites' former names (migration 0024). A row holds its name for its site until the name releaser has taken
 * the redirect and the route off the machines and deletes it; until then no new site may take the name. Routes and
 * the balancer's redirect set carry only the rows that have not expired.
 */
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";

/** A former name still held, and until when its redirect is served. */
export interface HeldSiteName {
  name: SiteName;
  siteId: SiteId;
  expiresAt: Date;
}

/** One redirect the balancer serves: a former name to its site's current name. */
export interface SiteNameRedirect {
  from: SiteName;
  to: SiteName;
}

export class SiteFormerNamesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /**
   * Serializes every change that takes or gives up one of `names` (a new site's name, a rename's old and new name)
   * until the transaction ends, so that a name checked free stays free until it is taken. Sorted: no deadlock between
   * two renames locking the same pair of names.
   */
  async lockNames(names: readonly string[], trx: DatabaseHandle = this.#db): Promise<void> {
    if (!trx.isTransaction) throw new Error("lockNames must run in a transaction");
    for (const name of [...new Set(names)].sort()) {
      await sql`select pg_advisory_xact_lock(hashtext(${`site-name:${name}`}))`.execute(trx);
    }
  }

  /** Which site holds `name` as a former name, and until when (expired or not: held until released). */
  async holder(name: string, trx: DatabaseHandle = this.#db): Promise<HeldSiteName | null> {
    const row = await trx
      .selectFrom("site_former_names")
      .select(["name", "site_id", "expires_at"])
      .where("name", "=", name)
      .executeTakeFirst();
    return row ? toHeld(row) : null;
  }

  /** Keeps `name` for the site until `expiresAt` (a rename); taking it again moves the expiry on. */
  async hold(siteId: SiteId, name: SiteName, expiresAt: Date, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .insertInto("site_former_names")
      .values({ name, site_id: siteId, expires_at: expiresAt })
      .onConflict((conflict) =>
        conflict.column("name").doUpdateSet({ site_id: siteId, expires_at: expiresAt, renamed_at: new Date() }),
      )
      .execute();
  }

  /** Gives up `name` (a site renamed back to a former name of its own). */
  async release(name: string, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.deleteFrom("site_former_names").where("name", "=", name).execute();
  }

  /** The site's former names whose redirect is still served, oldest first. */
  async activeNamesOf(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<HeldSiteName[]> {
    const rows = await trx
      .selectFrom("site_former_names")
      .select(["name", "site_id", "expires_at"])
      .where("site_id", "=", siteId)
      .where("expires_at", ">", sql<Date>`now()`)
      .orderBy("renamed_at")
      .orderBy("name")
      .execute();
    return rows.map(toHeld);
  }

  /** Every site's unexpired former names, by site: what the reconciler expects the router to route. */
  async activeNamesBySite(trx: DatabaseHandle = this.#db): Promise<Map<SiteId, SiteName[]>> {
    const rows = await trx
      .selectFrom("site_former_names")
      .select(["name", "site_id"])
      .where("expires_at", ">", sql<Date>`now()`)
      .orderBy("renamed_at")
      .orderBy("name")
      .execute();
    const bySite = new Map<SiteId, SiteName[]>();
    for (const row of rows) {
      const siteId = row.site_id as SiteId;
      bySite.set(siteId, [...(bySite.get(siteId) ?? []), row.name as SiteName]);
    }
    return bySite;
  }

  /** How many former names the site holds, expired or not. */
  async countOf(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<number> {
    const { count } = await trx
      .selectFrom("site_former_names")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("site_id", "=", siteId)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /** The whole set the balancer serves: each unexpired former name to its site's current name. */
  async redirects(
    options: { exceptSiteId?: SiteId } = {},
    trx: DatabaseHandle = this.#db,
  ): Promise<SiteNameRedirect[]> {
    let query = trx
      .selectFrom("site_former_names")
      .innerJoin("sites", "sites.id", "site_former_names.site_id")
      .select(["site_former_names.name as from", "sites.name as to"])
      .where("site_former_names.expires_at", ">", sql<Date>`now()`);
    if (options.exceptSiteId !== undefined)
      query = query.where("site_former_names.site_id", "!=", options.exceptSiteId);
    const rows = await query.orderBy("site_former_names.name").execute();
    return rows.map((row) => ({ from: row.from as SiteName, to: row.to as SiteName }));
  }

  /**
   * Runs `apply` with the redirect set read inside a transaction that holds a lock on the set, so that two
   * operations sending it to the balancer at once cannot have an older set land last.
   */
  async withRedirects(
    apply: (redirects: SiteNameRedirect[]) => Promise<void>,
    options: { exceptSiteId?: SiteId } = {},
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('site-name-redirects'))`.execute(trx);
      await apply(await this.redirects(options, trx));
    });
  }

  /** Sites with a former name past its expiry, still held: the name releaser's work, at most `limit`. */
  async sitesWithExpiredNames(limit: number, trx: DatabaseHandle = this.#db): Promise<SiteId[]> {
    const rows = await trx
      .selectFrom("site_former_names")
      .select("site_id")
      .distinct()
      .where("expires_at", "<=", sql<Date>`now()`)
      .orderBy("site_id")
      .limit(limit)
      .execute();
    return rows.map((row) => row.site_id as SiteId);
  }

  /** Deletes the site's expired former names (their redirect and route already gone): the names are free again. */
  async forgetExpired(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<number> {
    const deleted = await trx
      .deleteFrom("site_former_names")
      .where("site_id", "=", siteId)
      .where("expires_at", "<=", sql<Date>`now()`)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }
}

function toHeld(row: { name: string; site_id: number; expires_at: Date }): HeldSiteName {
  return { name: row.name as SiteName, siteId: row.site_id as SiteId, expiresAt: row.expires_at };
}
