/**
 * Site databases on a MariaDB (or MySQL) host (mysql2), through an admin account that may create users and databases,
 * grant ALL on a schema (it holds ALL PRIVILEGES ON *.* WITH GRANT OPTION, as root does), read mysql.user and
 * mysql.roles_mapping, and end other users' sessions (PROCESS and CONNECTION ADMIN, or SUPER).
 *
 * Isolation: the site's user `'<name>'@'%'` holds ALL PRIVILEGES on its own schema and nothing else: no global
 * privilege (so no FILE: no LOAD DATA INFILE, SELECT ... INTO OUTFILE or LOAD_FILE), no GRANT OPTION, no role.
 * Values go through mysql2's placeholders (`?` quoted as strings, `??` as identifiers), so no name or password is
 * spliced into SQL by hand.
 */
import { DirectorError } from "@director/domain/errors";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { type DatabasePassword, findSiteDatabaseName, type SiteDatabaseIdentity } from "@director/domain/site-database";
import type { SqlStatement, SqlStatementResult } from "@director/domain/sql-console";
import mysql, { type Pool, type PoolConnection, type RowDataPacket } from "mysql2/promise";
import { bySiteId, type SiteDatabaseEngine, type SiteDatabaseHostOptions } from "../core/site-database-engine.js";
import { runMariadbStatement } from "./mariadb-site-statement.js";

/** What a site's user keeps on its schema while its writes are stopped: reading, and freeing space. */
const stoppedWritesRights = "SELECT, DELETE, DROP, SHOW VIEW, EXECUTE";

/** MariaDB's error when a REVOKE names a grant the user does not hold. */
const noSuchGrant = 1141;
/** MariaDB's error when a session ended between listing and killing it. */
const noSuchThread = 1094;

/** Makes, changes and removes site databases on one MariaDB or MySQL host. */
export class MariadbSiteDatabases implements SiteDatabaseEngine {
  readonly kind = "mysql";
  readonly #installationId: InstallationId;
  readonly #connectionLimit: number;
  readonly #pool: Pool;
  /** where site users log in: the admin URL's host and port */
  readonly #siteTarget: { host: string; port: number };

  constructor(options: SiteDatabaseHostOptions) {
    if (!Number.isInteger(options.connectionLimit) || options.connectionLimit < 1 || options.connectionLimit > 10_000) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `A site database connection limit of ${options.connectionLimit} is not 1 to 10000.`,
      );
    }
    this.#installationId = options.installationId;
    this.#connectionLimit = options.connectionLimit;
    const url = new URL(options.adminUrl);
    this.#siteTarget = { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 3306) };
    this.#pool = mysql.createPool({ uri: options.adminUrl, connectionLimit: 2, multipleStatements: false });
  }

  async ensure(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void> {
    await this.#admin("ensure", database, async (admin) => {
      const user = database.name;
      await admin.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [user, password]);
      // Also on a user that was there: a half-made or tampered one gets the same password and limit.
      await admin.query(`ALTER USER ?@'%' IDENTIFIED BY ? WITH MAX_USER_CONNECTIONS ${this.#connectionLimit}`, [
        user,
        password,
      ]);
      // Whatever else it was given goes: global privileges, other schemas' grants, GRANT OPTION and roles.
      await admin.query("REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@'%'", [user]);
      const [roles] = await admin.query<RowDataPacket[]>(
        "select Role as role from mysql.roles_mapping where User = ? and Host = '%'",
        [user],
      );
      for (const { role } of roles) await admin.query("REVOKE ?? FROM ?@'%'", [String(role), user]);
      await admin.query("CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", [
        database.name,
      ]);
      await admin.query(`GRANT ALL PRIVILEGES ON ${schemaGrantTarget(database)} TO ?@'%'`, [user]);
    });
  }

  async rotatePassword(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void> {
    await this.#admin("rotatePassword", database, async (admin) => {
      if (!(await hasUser(admin, database))) throw notFound(database);
      await admin.query("ALTER USER ?@'%' IDENTIFIED BY ?", [database.name, password]);
    });
  }

  async drop(database: SiteDatabaseIdentity): Promise<void> {
    await this.#admin("drop", database, async (admin) => {
      // The user first, so no new session starts; DROP USER leaves open sessions running, so they are ended next.
      await admin.query("DROP USER IF EXISTS ?@'%'", [database.name]);
      await this.#endSessions(admin, database);
      await admin.query("DROP DATABASE IF EXISTS ??", [database.name]);
    });
  }

  async sizeBytes(database: SiteDatabaseIdentity): Promise<number> {
    return this.#admin("sizeBytes", database, async (admin) => {
      const [schemas] = await admin.query<RowDataPacket[]>(
        "select 1 from information_schema.schemata where schema_name = ?",
        [database.name],
      );
      if (schemas.length === 0) throw notFound(database);
      const [rows] = await admin.query<RowDataPacket[]>(
        "select coalesce(sum(data_length + index_length), 0) as size from information_schema.tables where table_schema = ?",
        [database.name],
      );
      return Number(rows[0]?.size ?? 0);
    });
  }

  async sizesBytes(databases: readonly SiteDatabaseIdentity[]): Promise<Map<SiteId, number>> {
    const byName = new Map(databases.map((database) => [database.name as string, database.siteId]));
    const sizes = new Map<SiteId, number>();
    if (byName.size === 0) return sizes;
    return this.#admin("sizesBytes", undefined, async (admin) => {
      const names = [...byName.keys()];
      // A schema without tables has no row in information_schema.tables: it is there, and takes nothing.
      const [schemas] = await admin.query<RowDataPacket[]>(
        "select schema_name as name from information_schema.schemata where schema_name in (?)",
        [names],
      );
      const [tables] = await admin.query<RowDataPacket[]>(
        `select table_schema as name, coalesce(sum(data_length + index_length), 0) as size
           from information_schema.tables where table_schema in (?) group by table_schema`,
        [names],
      );
      const taken = new Map(tables.map((row) => [String(row.name), Number(row.size)]));
      for (const { name } of schemas) {
        const siteId = byName.get(String(name));
        if (siteId !== undefined) sizes.set(siteId, taken.get(String(name)) ?? 0);
      }
      return sizes;
    });
  }

  async setWritesAllowed(database: SiteDatabaseIdentity, isAllowed: boolean): Promise<void> {
    await this.#admin("setWritesAllowed", database, async (admin) => {
      if (!(await hasUser(admin, database))) throw notFound(database);
      const target = schemaGrantTarget(database);
      try {
        await admin.query(`REVOKE ALL PRIVILEGES ON ${target} FROM ?@'%'`, [database.name]);
      } catch (error) {
        if (errnoOf(error) !== noSuchGrant) throw error;
      }
      // Stopped: what reads, and what frees space (DELETE, DROP, and TRUNCATE, which takes DROP), stays.
      const rights = isAllowed ? "ALL PRIVILEGES" : stoppedWritesRights;
      await admin.query(`GRANT ${rights} ON ${target} TO ?@'%'`, [database.name]);
      // A session keeps the schema rights it started with (MariaDB reads them again only at USE): the open ones end.
      await this.#endSessions(admin, database);
    });
  }

  async runStatement(
    database: SiteDatabaseIdentity,
    password: DatabasePassword,
    statement: SqlStatement,
  ): Promise<SqlStatementResult> {
    return runMariadbStatement(this.#siteTarget, this.#statementAdmin, database, password, statement);
  }

  /** What the SQL console asks of the admin: whether a refused login's database is there, and ending a session. */
  readonly #statementAdmin = {
    hasSiteDatabase: (database: SiteDatabaseIdentity) =>
      this.#admin("runStatement", database, async (admin) => {
        const [schemas] = await admin.query<RowDataPacket[]>(
          "select 1 from information_schema.schemata where schema_name = ?",
          [database.name],
        );
        return schemas.length > 0 && (await hasUser(admin, database));
      }),
    endSession: (database: SiteDatabaseIdentity, sessionId: number) =>
      this.#admin("runStatement", database, async (admin) => {
        const [sessions] = await admin.query<RowDataPacket[]>(
          "select id from information_schema.processlist where id = ? and user = ?",
          [sessionId, database.name],
        );
        if (sessions.length === 0) return;
        try {
          await admin.query("KILL CONNECTION ?", [sessionId]);
        } catch (error) {
          if (errnoOf(error) !== noSuchThread) throw error;
        }
      }),
  };

  async list(): Promise<SiteDatabaseIdentity[]> {
    return this.#admin("list", undefined, async (admin) => {
      const [schemas] = await admin.query<RowDataPacket[]>(
        "select schema_name as name from information_schema.schemata",
      );
      const [users] = await admin.query<RowDataPacket[]>("select User as name from mysql.user where Host = '%'");
      const names = new Set([...schemas, ...users].map((row) => String(row.name)));
      return [...names].flatMap((name) => findSiteDatabaseName(name, this.#installationId) ?? []).sort(bySiteId);
    });
  }

  async checkAdmin(): Promise<{ serverVersion: string }> {
    return this.#admin("checkAdmin", undefined, async (admin) => {
      const [[session]] = await admin.query<RowDataPacket[]>("select version() as version, current_user() as user");
      const user = String(session?.user ?? "");
      const at = user.lastIndexOf("@");
      // information_schema.user_privileges names a grantee `'user'@'host'`; it lists global privileges only.
      const grantee = `'${user.slice(0, at)}'@'${user.slice(at + 1)}'`;
      const [rows] = await admin.query<RowDataPacket[]>(
        "select privilege_type as privilege, is_grantable as grantable from information_schema.user_privileges where grantee = ?",
        [grantee],
      );
      const held = new Set(rows.map((row) => String(row.privilege)));
      const missing = [
        ...requiredGlobalPrivileges.filter((privilege) => !held.has(privilege)),
        ...(held.has("SUPER") || held.has("CONNECTION ADMIN") ? [] : ["CONNECTION ADMIN (or SUPER)"]),
        ...(rows.some((row) => row.grantable === "YES") ? [] : ["GRANT OPTION"]),
      ];
      if (missing.length > 0) {
        throw new DirectorError(
          "DATABASE_HOST_REJECTED",
          `The MariaDB admin user ${user} lacks ${missing.join(", ")} on *.*: site databases need an admin with ALL PRIVILEGES ON *.* WITH GRANT OPTION (as root has).`,
          { details: { engine: "mysql", missing } },
        );
      }
      return { serverVersion: String(session?.version ?? "") };
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Ends every session of the site's user (one that ended meanwhile is no failure). */
  async #endSessions(admin: PoolConnection, database: SiteDatabaseIdentity): Promise<void> {
    const [sessions] = await admin.query<RowDataPacket[]>(
      "select id from information_schema.processlist where user = ?",
      [database.name],
    );
    for (const { id } of sessions) {
      try {
        await admin.query("KILL CONNECTION ?", [Number(id)]);
      } catch (error) {
        if (errnoOf(error) !== noSuchThread) throw error;
      }
    }
  }

  async #admin<T>(
    action: string,
    database: SiteDatabaseIdentity | undefined,
    work: (admin: PoolConnection) => Promise<T>,
  ): Promise<T> {
    let admin: PoolConnection | undefined;
    try {
      admin = await this.#pool.getConnection();
      return await work(admin);
    } catch (error) {
      throw hostFailure(action, database, error);
    } finally {
      admin?.release();
    }
  }
}

/**
 * Global privileges `ensure`, `list` and `drop` use: making users and schemas (and granting ALL on one, which needs
 * the grantor to hold it), reading mysql.user, seeing and ending the site user's sessions.
 */
const requiredGlobalPrivileges = ["CREATE USER", "CREATE", "DROP", "SELECT", "PROCESS"];

/**
 * `_` and `%` are wildcards in a GRANT's database name (MariaDB "GRANT", database privileges): `dir_a_s1` would also
 * match `dirXaXs1`, a schema the site could then create. Escaped, the grant names exactly one schema.
 */
function schemaGrantTarget(database: SiteDatabaseIdentity): string {
  return `${mysql.escapeId(database.name.replaceAll("_", "\\_"))}.*`;
}

async function hasUser(admin: PoolConnection, database: SiteDatabaseIdentity): Promise<boolean> {
  const [rows] = await admin.query<RowDataPacket[]>("select 1 from mysql.user where User = ? and Host = '%'", [
    database.name,
  ]);
  return rows.length > 0;
}

function notFound(database: SiteDatabaseIdentity): DirectorError {
  return new DirectorError("SITE_DATABASE_NOT_FOUND", `The MariaDB user ${database.name} does not exist.`, {
    details: { siteId: database.siteId },
  });
}

function errnoOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "errno" in error && typeof error.errno === "number"
    ? error.errno
    : undefined;
}

/** Codes of a host that is down, gone or full (worth retrying); any other refusal needs an operator. */
const unavailableCodes = new Set(["PROTOCOL_CONNECTION_LOST", "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN"]);

function hostFailure(action: string, database: SiteDatabaseIdentity | undefined, error: unknown): DirectorError {
  if (error instanceof DirectorError) return error;
  const code =
    typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  const isUnavailable = code === undefined || unavailableCodes.has(code) || /^E[A-Z]+$/.test(code);
  const message = error instanceof Error ? error.message : String(error);
  return new DirectorError(
    isUnavailable ? "DATABASE_HOST_UNAVAILABLE" : "DATABASE_HOST_REJECTED",
    `MariaDB ${isUnavailable ? "could not be reached" : "refused"} (${action}${database ? ` ${database.name}` : ""}): ${message}`,
    { cause: error, details: { engine: "mysql", action, code, siteId: database?.siteId } },
  );
}
