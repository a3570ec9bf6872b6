/**
 * Exports and imports of sites' databases: a dump made, or a dump restored, by the engine's own tools logged in as
 * the site's user (never the admin), so a dump can do nothing the site's user could not do from its own connection.
 * The tools are ports (adapters/postgres-site-dumps.ts, adapters/mariadb-site-dumps.ts); the site's login is checked
 * first through the SQL console's path, which also tells the server's version (the tool must fit it).
 */
import type { Readable } from "node:stream";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import {
  type DatabasePassword,
  type SiteDatabaseIdentity,
  type SiteDatabaseKind,
  siteDatabaseIdentity,
} from "@director/domain/site-database";
import type { DatabaseHostAccess, SiteDatabases } from "./site-databases.js";

/** How the site's own user logs in: the admin URL's host and port, the site's database and password. */
export interface SiteDatabaseLogin {
  host: string;
  port: number;
  database: SiteDatabaseIdentity;
  password: DatabasePassword;
}

/** One kind's dump and restore tools, run as the site's user. */
export interface SiteDatabaseDumpTool {
  readonly kind: SiteDatabaseKind;
  /**
   * Starts a dump and resolves once it has written its first bytes; refuses before that with DATABASE_TOOL_MISSING
   * (no tool fits `serverVersion`) or DATABASE_EXPORT_FAILED (the tool's words). `signal` ends the tool at once.
   */
  dump(login: SiteDatabaseLogin, serverVersion: string, signal: AbortSignal): Promise<Readable>;
  /** Restores the dump in `dumpFile`; DATABASE_IMPORT_FAILED in the engine's or the tool's words. */
  restore(
    login: SiteDatabaseLogin,
    serverVersion: string,
    dumpFile: string,
  ): Promise<{ restoredEntries: number | null }>;
}

export interface SiteDatabaseTransfersDeps {
  installationId: InstallationId;
  /** the SQL console's statement, used to check the site's login and ask the server's version */
  databases: Pick<SiteDatabases, "runStatement">;
  tools: Record<SiteDatabaseKind, SiteDatabaseDumpTool>;
}

/** What the version question is on each kind (one row, one text value). */
const versionQueries: Record<SiteDatabaseKind, string> = {
  postgres: "show server_version_num",
  mysql: "select version()",
};
const defaultPorts: Record<SiteDatabaseKind, number> = { postgres: 5432, mysql: 3306 };

/** Dumps and restores of sites' databases on the host each call names. */
export class SiteDatabaseTransfers {
  readonly #deps: SiteDatabaseTransfersDeps;

  constructor(deps: SiteDatabaseTransfersDeps) {
    this.#deps = deps;
  }

  /** The site's database as a dump stream (PostgreSQL custom format, MariaDB SQL); `signal` stops it. */
  async export(
    host: DatabaseHostAccess,
    siteId: SiteId,
    password: DatabasePassword,
    signal: AbortSignal,
  ): Promise<Readable> {
    const { login, serverVersion } = await this.#login(host, siteId, password);
    return this.#deps.tools[host.kind].dump(login, serverVersion, signal);
  }

  /** Restores the dump in `dumpFile` (received whole beforehand) into the site's database. */
  async import(
    host: DatabaseHostAccess,
    siteId: SiteId,
    password: DatabasePassword,
    dumpFile: string,
  ): Promise<{ restoredEntries: number | null }> {
    const { login, serverVersion } = await this.#login(host, siteId, password);
    return this.#deps.tools[host.kind].restore(login, serverVersion, dumpFile);
  }

  /**
   * Logs in as the site's user once (SITE_DATABASE_NOT_FOUND, SITE_DATABASE_LOGIN_REFUSED, DATABASE_HOST_UNAVAILABLE
   * as the console reports them) and asks the server's version.
   */
  async #login(host: DatabaseHostAccess, siteId: SiteId, password: DatabasePassword) {
    const answer = await this.#deps.databases.runStatement(host, siteId, password, {
      statement: versionQueries[host.kind],
      timeoutMs: 10_000,
      maxRows: 1,
    });
    const serverVersion = answer.rows[0]?.[0] ?? "";
    const url = new URL(host.adminUrl);
    const login: SiteDatabaseLogin = {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: Number(url.port || defaultPorts[host.kind]),
      database: siteDatabaseIdentity(this.#deps.installationId, siteId),
      password,
    };
    return { login, serverVersion };
  }
}
