/** Database hosts administrators register for site databases; the admin URL is stored only as the manager sealed it. */
import type { DatabaseHostName, DatabaseHostRecord } from "@director/domain/database-host";
import { DirectorError } from "@director/domain/errors";
import { type Selectable, sql } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isForeignKeyViolation, keepingNameUnique, type NameTaken } from "./database-errors.js";
import type { DatabaseHostsTable } from "./schema.js";

/** The fields of a database host an administrator sets; the name is parsed and the admin URL already sealed. */
export type DatabaseHostFields = Omit<DatabaseHostRecord, "id" | "createdAt" | "updatedAt">;

/** Reads and writes database hosts. */
export class DatabaseHostsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Every host, by name. */
  async list(trx: DatabaseHandle = this.#db): Promise<DatabaseHostRecord[]> {
    return (await trx.selectFrom("database_hosts").selectAll().orderBy("name").execute()).map(toDatabaseHost);
  }

  async findById(id: number, trx: DatabaseHandle = this.#db): Promise<DatabaseHostRecord | null> {
    const row = await trx.selectFrom("database_hosts").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toDatabaseHost(row) : null;
  }

  async findByName(name: string, trx: DatabaseHandle = this.#db): Promise<DatabaseHostRecord | null> {
    const row = await trx.selectFrom("database_hosts").selectAll().where("name", "=", name).executeTakeFirst();
    return row ? toDatabaseHost(row) : null;
  }

  /** Adds a host; DATABASE_HOST_NAME_TAKEN when the name is in use. */
  async create(fields: DatabaseHostFields, trx: DatabaseHandle = this.#db): Promise<DatabaseHostRecord> {
    const row = await keepingNameUnique(nameTaken(fields.name), () =>
      trx.insertInto("database_hosts").values(toRow(fields)).returningAll().executeTakeFirstOrThrow(),
    );
    return toDatabaseHost(row);
  }

  /** Replaces a host's fields (the caller merged the change); DATABASE_HOST_NOT_FOUND when absent, _NAME_TAKEN on a clash. */
  async update(id: number, fields: DatabaseHostFields, trx: DatabaseHandle = this.#db): Promise<DatabaseHostRecord> {
    const row = await keepingNameUnique(nameTaken(fields.name), () =>
      trx
        .updateTable("database_hosts")
        .set({ ...toRow(fields), updated_at: sql<Date>`now()` })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row) throw new DirectorError("DATABASE_HOST_NOT_FOUND", `There is no database host ${fields.name}.`);
    return toDatabaseHost(row);
  }

  /** Deletes a host (no-op when absent); DATABASE_HOST_IN_USE while a site's database is recorded on it. */
  async delete(id: number, trx: DatabaseHandle = this.#db): Promise<void> {
    try {
      await trx.deleteFrom("database_hosts").where("id", "=", id).execute();
    } catch (error) {
      if (!isForeignKeyViolation(error, constraintNames.siteDatabasesHostId)) throw error;
      throw new DirectorError(
        "DATABASE_HOST_IN_USE",
        "Sites have databases on this host; stop it accepting new ones, and delete it once its databases are gone.",
        { cause: error },
      );
    }
  }
}

function nameTaken(name: string): NameTaken {
  return {
    constraint: constraintNames.databaseHostsName,
    code: "DATABASE_HOST_NAME_TAKEN",
    message: `A database host named "${name}" exists; choose another name.`,
  };
}

function toRow(fields: DatabaseHostFields) {
  return {
    name: fields.name,
    kind: fields.kind,
    site_host: fields.siteHost,
    site_port: fields.sitePort,
    admin_url_encrypted: fields.adminUrlEncrypted,
    max_databases: fields.maxDatabases,
    is_accepting: fields.isAccepting,
  };
}

export function toDatabaseHost(row: Selectable<DatabaseHostsTable>): DatabaseHostRecord {
  return {
    id: row.id,
    name: row.name as DatabaseHostName,
    kind: row.kind,
    siteHost: row.site_host,
    sitePort: row.site_port,
    adminUrlEncrypted: row.admin_url_encrypted,
    maxDatabases: row.max_databases,
    isAccepting: row.is_accepting,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
