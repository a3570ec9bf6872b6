import type { DatabaseHost, SiteStatementAnswer } from "@director/contracts/orchestrator-databases";
import type { DatabaseHostRecord } from "@director/domain/database-host";
import type { SiteId } from "@director/domain/site";
import type { DatabasePassword, SiteDatabaseName, SiteDatabaseRecord } from "@director/domain/site-database";

/**
 * What site databases ask of the orchestrator, which connects to the host as its admin (the host travels in each call's
 * body, orchestrator-databases.ts). Every call is idempotent.
 */
export interface SiteDatabaseHosting {
  /** makes the site's database and user when missing and sets the password and the isolation rights */
  ensure(siteId: SiteId, host: DatabaseHost, password: DatabasePassword): Promise<{ name: SiteDatabaseName }>;
  /** SITE_DATABASE_NOT_FOUND when the host has no such user */
  setPassword(siteId: SiteId, host: DatabaseHost, password: DatabasePassword): Promise<void>;
  /** ends the user's sessions and drops the database and user (no-op when absent) */
  remove(siteId: SiteId, host: DatabaseHost): Promise<void>;
  /** bytes the database takes; SITE_DATABASE_NOT_FOUND when it is not there */
  size(siteId: SiteId, host: DatabaseHost): Promise<number>;
  /** bytes each named site's database takes on the host, by site id; one not there is left out */
  sizes(host: DatabaseHost, siteIds: readonly SiteId[]): Promise<Map<SiteId, number>>;
  /** stops or allows again the site's database writes (its size limit); SITE_DATABASE_NOT_FOUND when absent */
  setWritesAllowed(siteId: SiteId, host: DatabaseHost, isAllowed: boolean): Promise<void>;
  /** the sites of this installation with a database or a user on the host (reconcile) */
  inventory(host: DatabaseHost): Promise<SiteId[]>;
  /** runs one statement as the site's own user (the SQL console); SQL_STATEMENT_FAILED / _TIMEOUT when it fails */
  runStatement(
    siteId: SiteId,
    host: DatabaseHost,
    password: DatabasePassword,
    statement: { statement: string; timeoutMs: number; maxRows: number },
  ): Promise<SiteStatementAnswer>;
}

/** A site's database with what the steps need opened: its host as the orchestrator takes it, and its passwords. */
export interface OpenedSiteDatabase {
  record: SiteDatabaseRecord;
  host: DatabaseHostRecord;
  connection: DatabaseHost;
  password: DatabasePassword;
  /** a rotation's new password until the host has it */
  nextPassword: DatabasePassword | null;
}
