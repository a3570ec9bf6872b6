/**
 * Site databases on a PostgreSQL host (node-postgres), through an admin account that is a superuser or has
 * CREATEROLE, CREATEDB, pg_signal_backend and pg_read_all_stats.
 *
 * Isolation: the site's role logs in and owns its database, and has nothing else: no SUPERUSER, CREATEDB, CREATEROLE,
 * REPLICATION, BYPASSRLS, no membership of any role (so none of pg_read_server_files, pg_write_server_files,
 * pg_execute_server_program: no COPY ... PROGRAM, no server files). Its database grants nothing to PUBLIC, so no other
 * site's role can CONNECT to it, and its `public` schema belongs to the site's role alone.
 *
 * What this adapter does NOT change: the host's own databases (`postgres`, `template1`, an application's). PostgreSQL
 * gives PUBLIC CONNECT and TEMP on every database it creates, so a site role may connect to those unless the host's
 * administrator revokes it (`REVOKE CONNECT, TEMP ON DATABASE postgres, template1 FROM PUBLIC`) or, better, limits site
 * logins in pg_hba.conf with `sameuser` (a site's database has its role's name):
 * `host sameuser all <sites network> scram-sha-256`. Site databases are made from template0, so nothing an
 * administrator put into template1 reaches them.
 */

import { DirectorError } from "@director/domain/errors";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { type DatabasePassword, findSiteDatabaseName, type SiteDatabaseIdentity } from "@director/domain/site-database";
import type { SqlStatement, SqlStatementResult } from "@director/domain/sql-console";
import pg from "pg";
import { bySiteId, type SiteDatabaseEngine, type SiteDatabaseHostOptions } from "../core/site-database-engine.js";
import { scramSha256Verifier } from "./postgres-scram-verifier.js";
import { runPostgresStatement } from "./postgres-site-statement.js";

const { escapeIdentifier, escapeLiteral } = pg;

/** The role attributes a site's role always has; `ensure` sets them again on a role that exists. */
const siteRoleAttributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS";

/** SQLSTATEs of "it exists already" (a concurrent ensure won the race): the step is done. */
const duplicateObject = "42710";
const duplicateDatabase = "42P04";

/** Makes, changes and removes site databases on one PostgreSQL host. */
export class PostgresSiteDatabases implements SiteDatabaseEngine {
  readonly kind = "postgres";
  readonly #adminUrl: string;
  readonly #installationId: InstallationId;
  readonly #connectionLimit: number;
  readonly #pool: pg.Pool;

  constructor(options: SiteDatabaseHostOptions) {
    assertConnectionLimit(options.connectionLimit);
    this.#adminUrl = options.adminUrl;
    this.#installationId = options.installationId;
    this.#connectionLimit = options.connectionLimit;
    this.#pool = new pg.Pool({ connectionString: options.adminUrl, max: 2 });
    // An idle admin connection the host closes is dropped by the pool and the next query opens another; without a
    // listener node-postgres would take the process down.
    this.#pool.on("error", () => undefined);
  }

  async ensure(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void> {
    const role = escapeIdentifier(database.name);
    await this.#admin("ensure", database, async (admin) => {
      const attributes = `${siteRoleAttributes} CONNECTION LIMIT ${this.#connectionLimit}`;
      const verifier = escapeLiteral(scramSha256Verifier(password));
      if (!(await exists(admin, "select 1 from pg_roles where rolname = $1", database.name))) {
        await tolerate(duplicateObject, admin.query(`CREATE ROLE ${role} WITH ${attributes} PASSWORD ${verifier}`));
      }
      // Also on a role that was there: a half-made or tampered one gets the same attributes and password.
      await admin.query(`ALTER ROLE ${role} WITH ${attributes} PASSWORD ${verifier}`);
      const memberships = await admin.query<{ name: string }>(
        `select r.rolname as name from pg_auth_members m
           join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = $1`,
        [database.name],
      );
      for (const { name } of memberships.rows) await admin.query(`REVOKE ${escapeIdentifier(name)} FROM ${role}`);

      if (!(await exists(admin, "select 1 from pg_database where datname = $1", database.name))) {
        await tolerate(
          duplicateDatabase,
          admin.query(`CREATE DATABASE ${role} WITH OWNER ${role} TEMPLATE template0 ENCODING 'UTF8'`),
        );
      }
      await admin.query(`ALTER DATABASE ${role} OWNER TO ${role}`);
      // Whoever else was granted rights on it (PUBLIC's CONNECT and TEMP by default) loses them.
      const grantees = await admin.query<{ name: string | null }>(
        `select distinct r.rolname as name
           from pg_database d cross join aclexplode(d.datacl) a left join pg_roles r on r.oid = a.grantee
          where d.datname = $1 and a.grantee <> d.datdba and a.grantee <> 0`,
        [database.name],
      );
      for (const { name } of grantees.rows) {
        if (name !== null) await admin.query(`REVOKE ALL ON DATABASE ${role} FROM ${escapeIdentifier(name)}`);
      }
      await admin.query(`REVOKE ALL ON DATABASE ${role} FROM PUBLIC`);
    });
    await this.#inSiteDatabase("ensure", database, async (client) => {
      await client.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
      await client.query(`ALTER SCHEMA public OWNER TO ${role}`);
    });
  }

  async rotatePassword(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void> {
    await this.#admin("rotatePassword", database, async (admin) => {
      if (!(await exists(admin, "select 1 from pg_roles where rolname = $1", database.name))) throw notFound(database);
      await admin.query(
        `ALTER ROLE ${escapeIdentifier(database.name)} WITH PASSWORD ${escapeLiteral(scramSha256Verifier(password))}`,
      );
    });
  }

  async drop(database: SiteDatabaseIdentity): Promise<void> {
    const role = escapeIdentifier(database.name);
    await this.#admin("drop", database, async (admin) => {
      const hasRole = await exists(admin, "select 1 from pg_roles where rolname = $1", database.name);
      // No new sessions first, then end the ones there are: a session started in between cannot keep the role alive.
      if (hasRole) await admin.query(`ALTER ROLE ${role} WITH NOLOGIN`);
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where (usename = $1 or datname = $1) and pid <> pg_backend_pid()",
        [database.name],
      );
      await admin.query(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
      if (hasRole) {
        // Rights it was given on shared objects (other databases) and anything it owns in the admin database.
        await admin.query(`DROP OWNED BY ${role}`);
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
      }
    });
  }

  async sizeBytes(database: SiteDatabaseIdentity): Promise<number> {
    return this.#admin("sizeBytes", database, async (admin) => {
      const result = await admin.query<{ size: string }>(
        "select pg_database_size(datname) as size from pg_database where datname = $1",
        [database.name],
      );
      const size = result.rows[0]?.size;
      if (size === undefined) throw notFound(database);
      return Number(size);
    });
  }

  async sizesBytes(databases: readonly SiteDatabaseIdentity[]): Promise<Map<SiteId, number>> {
    const byName = new Map(databases.map((database) => [database.name as string, database.siteId]));
    return this.#admin("sizesBytes", undefined, async (admin) => {
      const result = await admin.query<{ name: string; size: string }>(
        "select datname as name, pg_database_size(oid) as size from pg_database where datname = any($1::text[])",
        [[...byName.keys()]],
      );
      return new Map(
        result.rows.flatMap(({ name, size }) => {
          const siteId = byName.get(name);
          return siteId === undefined ? [] : [[siteId, Number(size)] as const];
        }),
      );
    });
  }

  async setWritesAllowed(database: SiteDatabaseIdentity, isAllowed: boolean): Promise<void> {
    const role = escapeIdentifier(database.name);
    await this.#admin("setWritesAllowed", database, async (admin) => {
      if (!(await exists(admin, "select 1 from pg_roles where rolname = $1", database.name))) throw notFound(database);
      // Read-only by default is all PostgreSQL offers against an owner (it may SET it back in its session): see
      // domain/site-database-quota.ts.
      await admin.query(
        isAllowed
          ? `ALTER ROLE ${role} RESET default_transaction_read_only`
          : `ALTER ROLE ${role} SET default_transaction_read_only = on`,
      );
      // A role's settings apply to sessions that start after the change: the open ones (an application's pool) end.
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()",
        [database.name],
      );
    });
  }

  async runStatement(
    database: SiteDatabaseIdentity,
    password: DatabasePassword,
    statement: SqlStatement,
  ): Promise<SqlStatementResult> {
    const url = new URL(this.#adminUrl);
    const target = { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 5432) };
    return runPostgresStatement(target, this.#statementAdmin, database, password, statement);
  }

  /** What the SQL console asks of the admin: whether a refused login's database is there, and ending a session. */
  readonly #statementAdmin = {
    hasSiteDatabase: (database: SiteDatabaseIdentity) =>
      this.#admin("runStatement", database, async (admin) => {
        const found = await admin.query(
          "select 1 from pg_roles where rolname = $1 and exists (select 1 from pg_database where datname = $1)",
          [database.name],
        );
        return (found.rowCount ?? 0) > 0;
      }),
    endSession: (database: SiteDatabaseIdentity, sessionId: number) =>
      this.#admin("runStatement", database, async (admin) => {
        await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where pid = $1 and usename = $2", [
          sessionId,
          database.name,
        ]);
      }),
  };

  async list(): Promise<SiteDatabaseIdentity[]> {
    return this.#admin("list", undefined, async (admin) => {
      const result = await admin.query<{ name: string }>(
        "select rolname as name from pg_roles union select datname from pg_database",
      );
      return result.rows.flatMap(({ name }) => findSiteDatabaseName(name, this.#installationId) ?? []).sort(bySiteId);
    });
  }

  async checkAdmin(): Promise<{ serverVersion: string }> {
    return this.#admin("checkAdmin", undefined, async (admin) => {
      const result = await admin.query<AdminRights>(
        `select current_user as name, current_setting('server_version') as version, rolsuper as "isSuperuser",
                rolcreaterole as "canCreateRole", rolcreatedb as "canCreateDb",
                pg_has_role(current_user, 'pg_signal_backend', 'USAGE') as "canSignalBackend",
                pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') as "canReadAllStats"
           from pg_roles where rolname = current_user`,
      );
      const rights = result.rows[0];
      if (rights === undefined) throw new DirectorError("DATABASE_HOST_REJECTED", "The admin role is not in pg_roles.");
      const missing = rights.isSuperuser ? [] : missingRights(rights);
      if (missing.length > 0) {
        throw new DirectorError(
          "DATABASE_HOST_REJECTED",
          `The PostgreSQL admin role ${rights.name} lacks ${missing.join(", ")}: site databases need a superuser, or a role with CREATEROLE, CREATEDB and membership of pg_signal_backend and pg_read_all_stats.`,
          { details: { engine: "postgres", missing } },
        );
      }
      return { serverVersion: rights.version };
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Runs `work` on one admin connection, turning the host's failures into DirectorErrors. */
  async #admin<T>(
    action: string,
    database: SiteDatabaseIdentity | undefined,
    work: (admin: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    let admin: pg.PoolClient | undefined;
    try {
      admin = await this.#pool.connect();
      return await work(admin);
    } catch (error) {
      throw hostFailure(action, database, error);
    } finally {
      admin?.release();
    }
  }

  /** Runs `work` as the admin inside the site's own database (schema rights live there). */
  async #inSiteDatabase(
    action: string,
    database: SiteDatabaseIdentity,
    work: (client: pg.Client) => Promise<void>,
  ): Promise<void> {
    const url = new URL(this.#adminUrl);
    url.pathname = `/${database.name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    client.on("error", () => undefined); // a dropped connection also fails the query in flight, which reports it
    try {
      await client.connect();
      await work(client);
    } catch (error) {
      throw hostFailure(action, database, error);
    } finally {
      await client.end().catch(() => undefined); // ending a connection that failed to open has nothing to report
    }
  }
}

interface AdminRights {
  name: string;
  version: string;
  isSuperuser: boolean;
  canCreateRole: boolean;
  canCreateDb: boolean;
  canSignalBackend: boolean;
  canReadAllStats: boolean;
}

/**
 * What a non-superuser admin role lacks: CREATEROLE and CREATEDB to make sites' roles and databases, pg_signal_backend
 * to end their sessions, pg_read_all_stats to measure them (pg_database_size needs CONNECT, which a site's database
 * gives its own role only).
 */
function missingRights(rights: AdminRights): string[] {
  return [
    ...(rights.canCreateRole ? [] : ["CREATEROLE"]),
    ...(rights.canCreateDb ? [] : ["CREATEDB"]),
    ...(rights.canSignalBackend ? [] : ["membership of pg_signal_backend"]),
    ...(rights.canReadAllStats ? [] : ["membership of pg_read_all_stats"]),
  ];
}

async function exists(admin: pg.ClientBase, query: string, name: string): Promise<boolean> {
  return ((await admin.query(query, [name])).rowCount ?? 0) > 0;
}

async function tolerate(sqlState: string, query: Promise<unknown>): Promise<void> {
  try {
    await query;
  } catch (error) {
    if (sqlStateOf(error) !== sqlState) throw error;
  }
}

function assertConnectionLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new DirectorError("CONFIG_INVALID", `A site database connection limit of ${limit} is not 1 to 10000.`);
  }
}

function notFound(database: SiteDatabaseIdentity): DirectorError {
  return new DirectorError("SITE_DATABASE_NOT_FOUND", `The PostgreSQL database ${database.name} does not exist.`, {
    details: { siteId: database.siteId },
  });
}

function sqlStateOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

/**
 * Connection failures (a Node error code such as ECONNREFUSED, SQLSTATE class 08, 57P admin shutdown, 53 out of
 * resources) are worth retrying; any other refusal means the admin account or the host needs an operator.
 */
function hostFailure(action: string, database: SiteDatabaseIdentity | undefined, error: unknown): DirectorError {
  if (error instanceof DirectorError) return error;
  const code = sqlStateOf(error);
  const isUnavailable = code === undefined || /^E[A-Z]+$/.test(code) || /^(08|57P|53)/.test(code);
  const message = error instanceof Error ? error.message : String(error);
  return new DirectorError(
    isUnavailable ? "DATABASE_HOST_UNAVAILABLE" : "DATABASE_HOST_REJECTED",
    `PostgreSQL ${isUnavailable ? "could not be reached" : "refused"} (${action}${database ? ` ${database.name}` : ""}): ${message}`,
    { cause: error, details: { engine: "postgres", action, sqlState: code, siteId: database?.siteId } },
  );
}
