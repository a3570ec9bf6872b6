/** Sites' databases (migration 0016): which host holds each, its sealed password, and where it stands. */
import type { DatabaseHostRecord } from "@director/domain/database-host";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SiteDatabaseKind, SiteDatabaseName, SiteDatabaseRecord } from "@director/domain/site-database";
import { type Selectable, sql } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import { toDatabaseHost } from "./database-hosts.repository.js";
import type { SiteDatabasesTable } from "./schema.js";

/** A database in the administrators' list of the largest, with the names it is shown by. */
export interface LargeSiteDatabase {
  record: SiteDatabaseRecord;
  siteName: string;
  hostName: string;
  kind: SiteDatabaseKind;
}

/** A host that takes new databases, with how many it holds. */
export interface HostWithRoom {
  host: DatabaseHostRecord;
  databases: number;
}

export class SiteDatabasesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  async findForSite(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<SiteDatabaseRecord | null> {
    const row = await trx.selectFrom("site_databases").selectAll().where("site_id", "=", siteId).executeTakeFirst();
    return row ? toSiteDatabase(row) : null;
  }

  /** Every site's database, whatever its status, in site id order (for reconcile). */
  async listAll(trx: DatabaseHandle = this.#db): Promise<SiteDatabaseRecord[]> {
    const rows = await trx.selectFrom("site_databases").selectAll().orderBy("site_id").execute();
    return rows.map(toSiteDatabase);
  }

  /**
   * The accepting host of `kind` with the most room left (fewest databases for its limit), locked until the
   * transaction ends so that two sites racing for the last place cannot both take it; null when every host is full.
   */
  async chooseHost(kind: SiteDatabaseKind, trx: DatabaseHandle = this.#db): Promise<HostWithRoom | null> {
    if (!trx.isTransaction) throw new Error("chooseHost must run in a transaction");
    const hosts = await trx
      .selectFrom("database_hosts")
      .selectAll()
      .where("kind", "=", kind)
      .where("is_accepting", "=", true)
      .orderBy("id")
      .forUpdate()
      .execute();
    if (hosts.length === 0) return null;
    const counts = await trx
      .selectFrom("site_databases")
      .select(["host_id", (eb) => eb.fn.countAll<string>().as("count")])
      .where(
        "host_id",
        "in",
        hosts.map((host) => host.id),
      )
      .groupBy("host_id")
      .execute();
    const held = new Map(counts.map((row) => [row.host_id, Number(row.count)]));
    const withRoom = hosts
      .map((host) => ({ host: toDatabaseHost(host), databases: held.get(host.id) ?? 0 }))
      .filter(({ host, databases }) => databases < host.maxDatabases)
      .sort((a, b) => a.databases / a.host.maxDatabases - b.databases / b.host.maxDatabases);
    return withRoom[0] ?? null;
  }

  /** Records a site's new database (status `creating`); SITE_DATABASE_EXISTS when the site has one. */
  async create(
    input: { siteId: SiteId; hostId: number; passwordEncrypted: string; createdBy: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<SiteDatabaseRecord> {
    try {
      const row = await trx
        .insertInto("site_databases")
        .values({
          site_id: input.siteId,
          host_id: input.hostId,
          password_encrypted: input.passwordEncrypted,
          created_by: input.createdBy,
          status: "creating",
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSiteDatabase(row);
    } catch (error) {
      if (!isUniqueViolation(error, constraintNames.siteDatabasesSiteId)) throw error;
      throw new DirectorError("SITE_DATABASE_EXISTS", "The site has a database already; a site has one.", {
        cause: error,
      });
    }
  }

  /** The host made it: its name is known and it is usable. */
  async markReady(siteId: SiteId, name: SiteDatabaseName, trx: DatabaseHandle = this.#db): Promise<void> {
    await this.#update(siteId, { name, status: "ready" }, trx);
  }

  async markRemoving(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<void> {
    await this.#update(siteId, { status: "removing" }, trx);
  }

  /** A rotation asked for: the next password waits beside the current one until the host has it. */
  async setNextPassword(siteId: SiteId, nextPasswordEncrypted: string, trx: DatabaseHandle = this.#db): Promise<void> {
    await this.#update(siteId, { next_password_encrypted: nextPasswordEncrypted }, trx);
  }

  /** The host has the next password: it becomes the password (no-op when there is none). */
  async completeRotation(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("site_databases")
      .set({
        password_encrypted: sql<string>`next_password_encrypted`,
        next_password_encrypted: null,
        updated_at: sql<Date>`now()`,
      })
      .where("site_id", "=", siteId)
      .where("next_password_encrypted", "is not", null)
      .execute();
  }

  /** The ready databases, by host (the size check measures a host at once), in site id order. */
  async listReadyByHost(trx: DatabaseHandle = this.#db): Promise<Map<number, SiteDatabaseRecord[]>> {
    const rows = await trx
      .selectFrom("site_databases")
      .selectAll()
      .where("status", "=", "ready")
      .orderBy("host_id")
      .orderBy("site_id")
      .execute();
    const byHost = new Map<number, SiteDatabaseRecord[]>();
    for (const row of rows) {
      const list = byHost.get(row.host_id) ?? [];
      list.push(toSiteDatabase(row));
      byHost.set(row.host_id, list);
    }
    return byHost;
  }

  /**
   * Records what the size check measured, and the state of writes it left the database in (`writesStoppedAt`: kept
   * when it was stopped before, so it says since when). A row deleted or no longer ready meanwhile is left alone.
   */
  async recordSize(
    siteId: SiteId,
    measured: { sizeBytes: number; at: Date; writesStoppedAt: Date | null },
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    await trx
      .updateTable("site_databases")
      .set({
        size_bytes: measured.sizeBytes,
        size_measured_at: measured.at,
        writes_stopped_at: measured.writesStoppedAt,
      })
      .where("site_id", "=", siteId)
      .where("status", "=", "ready")
      .execute();
  }

  /** An administrator's limit for the site's database (null: the default); false when the site has none. */
  async setSizeLimit(siteId: SiteId, sizeLimitBytes: number | null, trx: DatabaseHandle = this.#db): Promise<boolean> {
    const result = await trx
      .updateTable("site_databases")
      .set({ size_limit_bytes: sizeLimitBytes, updated_at: sql<Date>`now()` })
      .where("site_id", "=", siteId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * The largest databases as last measured (unmeasured ones last), with their site's name and host's name, for
   * administrators: at most `limit`.
   */
  async listLargest(limit: number, trx: DatabaseHandle = this.#db): Promise<LargeSiteDatabase[]> {
    const rows = await trx
      .selectFrom("site_databases")
      .innerJoin("sites", "sites.id", "site_databases.site_id")
      .innerJoin("database_hosts", "database_hosts.id", "site_databases.host_id")
      .selectAll("site_databases")
      .select(["sites.name as site_name", "database_hosts.name as host_name", "database_hosts.kind as kind"])
      .orderBy(sql`site_databases.size_bytes DESC NULLS LAST`)
      .orderBy("site_databases.site_id")
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      record: toSiteDatabase(row),
      siteName: row.site_name,
      hostName: row.host_name,
      kind: row.kind,
    }));
  }

  /** Forgets the site's database (no-op when absent). */
  async delete(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.deleteFrom("site_databases").where("site_id", "=", siteId).execute();
  }

  async #update(
    siteId: SiteId,
    change: Partial<Pick<Selectable<SiteDatabasesTable>, "name" | "status" | "next_password_encrypted">>,
    trx: DatabaseHandle,
  ): Promise<void> {
    await trx
      .updateTable("site_databases")
      .set({ ...change, updated_at: sql<Date>`now()` })
      .where("site_id", "=", siteId)
      .execute();
  }
}

function toSiteDatabase(row: Selectable<SiteDatabasesTable>): SiteDatabaseRecord {
  return {
    siteId: row.site_id as SiteId,
    hostId: row.host_id,
    name: row.name as SiteDatabaseName | null,
    passwordEncrypted: row.password_encrypted,
    nextPasswordEncrypted: row.next_password_encrypted,
    status: row.status,
    sizeLimitBytes: row.size_limit_bytes === null ? null : Number(row.size_limit_bytes),
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    sizeMeasuredAt: row.size_measured_at,
    writesStoppedAt: row.writes_stopped_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
