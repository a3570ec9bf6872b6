/**
 * The port that makes, changes and removes site databases on one database host; implemented by
 * adapters/postgres-site-databases.ts and adapters/mariadb-site-databases.ts.
 */
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type { DatabasePassword, SiteDatabaseIdentity, SiteDatabaseKind } from "@director/domain/site-database";
import type { SqlStatement, SqlStatementResult } from "@director/domain/sql-console";

/**
 * One database host, seen through its admin account. Every site database is a database and a user of the same
 * generated name (`SiteDatabaseName`); the user owns the database and has no right anywhere else on the host.
 * Failures are DirectorErrors: DATABASE_HOST_UNAVAILABLE (retry), DATABASE_HOST_REJECTED (the admin account lacks a
 * right), SITE_DATABASE_NOT_FOUND (rotatePassword and sizeBytes on a database that is not there).
 */
export interface SiteDatabaseEngine {
  readonly kind: SiteDatabaseKind;
  /**
   * Makes the user and database when missing, sets the password, and (re)applies the isolation rights, taking back
   * anything more the user was given. Idempotent: re-running it after a failure half-way finishes the job.
   */
  ensure(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void>;
  /** Sets a new password; the old one stops working for new connections at once. */
  rotatePassword(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void>;
  /** Ends the user's connections, then removes the database and the user. A no-op for what is already gone. */
  drop(database: SiteDatabaseIdentity): Promise<void>;
  /** The space the database takes on the host, in bytes (MariaDB: InnoDB's own estimate, refreshed by its statistics). */
  sizeBytes(database: SiteDatabaseIdentity): Promise<number>;
  /**
   * The sizes of many databases in one round trip (the background quota check measures a whole host at once), by
   * site id; a database that is not on the host is left out.
   */
  sizesBytes(databases: readonly SiteDatabaseIdentity[]): Promise<Map<SiteId, number>>;
  /**
   * Stops or allows again the user's writes (its size limit, domain/site-database-quota.ts says how each engine
   * holds it) and ends its open sessions, which would otherwise keep the rights they started with. Idempotent;
   * SITE_DATABASE_NOT_FOUND when the user is not there.
   */
  setWritesAllowed(database: SiteDatabaseIdentity, isAllowed: boolean): Promise<void>;
  /**
   * Runs one statement in the site's database as the site's own user (logging in with `password`, never as the admin),
   * on a connection of its own that is closed after it, so nothing of the session (an open transaction, a setting)
   * outlives the call. The host stops it after `timeoutMs`; a guard here ends the session a little later if the host
   * has not. Failures: SQL_STATEMENT_FAILED (the engine refused or failed the statement: its message, its SQLSTATE),
   * SQL_STATEMENT_TIMEOUT, SITE_DATABASE_NOT_FOUND, SITE_DATABASE_LOGIN_REFUSED (the user is there but refused the
   * password), DATABASE_HOST_UNAVAILABLE.
   */
  runStatement(
    database: SiteDatabaseIdentity,
    password: DatabasePassword,
    statement: SqlStatement,
  ): Promise<SqlStatementResult>;
  /** This installation's site databases on the host: every name found as a database, a user or both, by site id. */
  list(): Promise<SiteDatabaseIdentity[]>;
  /**
   * Connects as the admin and checks it holds every right the other methods need: the server's version, or
   * DATABASE_HOST_REJECTED naming the missing rights (an administrator registering the host reads it).
   */
  checkAdmin(): Promise<{ serverVersion: string }>;
  /** Closes the admin connections. */
  close(): Promise<void>;
}

/** How to reach a database host as its administrator, and what each site database may use there. */
export interface SiteDatabaseHostOptions {
  /** e.g. `postgres://admin:secret@db.example:5432/postgres` or `mysql://root:secret@db.example:3306` */
  adminUrl: string;
  /** `list` reports this installation's site databases only */
  installationId: InstallationId;
  /** connections one site's user may hold at once */
  connectionLimit: number;
}

/** Makes the engine of one host's kind; the composition root passes the adapters' constructors, so core imports none. */
export type SiteDatabaseEngineFactory = (
  kind: SiteDatabaseKind,
  options: SiteDatabaseHostOptions,
) => SiteDatabaseEngine;

/** Sorts identities by site id, the order `list` answers in. */
export function bySiteId(a: SiteDatabaseIdentity, b: SiteDatabaseIdentity): number {
  return a.siteId - b.siteId;
}
