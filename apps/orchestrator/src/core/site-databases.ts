/**
 * Site databases on the database hosts the manager names in each call (it owns their registry and admin
 * credentials): one engine, with its pool of admin connections, per distinct host, made on first use and closed after
 * a while unused, so that a host whose admin password changed gets a fresh pool, and on close.
 */
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import {
  type DatabasePassword,
  type SiteDatabaseIdentity,
  type SiteDatabaseKind,
  siteDatabaseIdentity,
} from "@director/domain/site-database";
import type { SqlStatement, SqlStatementResult } from "@director/domain/sql-console";
import type { Logger } from "pino";
import type { SiteDatabaseEngine, SiteDatabaseEngineFactory } from "./site-database-engine.js";

/** A database host as the manager passes it: its kind, admin URL and per-site connection limit. */
export interface DatabaseHostAccess {
  kind: SiteDatabaseKind;
  adminUrl: string;
  connectionLimit: number;
}

export interface SiteDatabasesDeps {
  installationId: InstallationId;
  createEngine: SiteDatabaseEngineFactory;
  /** how long a host's engine stays open unused; default 5 minutes */
  idleCloseMs?: number;
  log: Logger;
}

interface OpenEngine {
  engine: SiteDatabaseEngine;
  /** calls under way; the engine is closed only when none is */
  users: number;
  idleTimer?: NodeJS.Timeout;
}

const defaultIdleCloseMs = 5 * 60 * 1000;

/** Makes, changes, measures and removes sites' databases, and checks hosts, on any host the manager names. */
export class SiteDatabases {
  readonly #deps: SiteDatabasesDeps;
  readonly #engines = new Map<string, OpenEngine>();

  constructor(deps: SiteDatabasesDeps) {
    this.#deps = deps;
  }

  /** Makes (or finishes, or repairs) the site's database and user; answers their generated name. */
  async ensure(host: DatabaseHostAccess, siteId: SiteId, password: DatabasePassword): Promise<SiteDatabaseIdentity> {
    const identity = this.#identityOf(siteId);
    await this.#withEngine(host, (engine) => engine.ensure(identity, password));
    return identity;
  }

  async rotatePassword(host: DatabaseHostAccess, siteId: SiteId, password: DatabasePassword): Promise<void> {
    const identity = this.#identityOf(siteId);
    await this.#withEngine(host, (engine) => engine.rotatePassword(identity, password));
  }

  /** Removes the site's database and user; a no-op when they are gone. */
  async drop(host: DatabaseHostAccess, siteId: SiteId): Promise<void> {
    const identity = this.#identityOf(siteId);
    await this.#withEngine(host, (engine) => engine.drop(identity));
  }

  async sizeBytes(host: DatabaseHostAccess, siteId: SiteId): Promise<number> {
    const identity = this.#identityOf(siteId);
    return this.#withEngine(host, (engine) => engine.sizeBytes(identity));
  }

  /** The sizes of the named sites' databases on the host, by site id (a database not there is left out). */
  async sizesBytes(host: DatabaseHostAccess, siteIds: readonly SiteId[]): Promise<Map<SiteId, number>> {
    const identities = siteIds.map((siteId) => this.#identityOf(siteId));
    return this.#withEngine(host, (engine) => engine.sizesBytes(identities));
  }

  /** Stops or allows again the site's database writes (its size limit). */
  async setWritesAllowed(host: DatabaseHostAccess, siteId: SiteId, isAllowed: boolean): Promise<void> {
    const identity = this.#identityOf(siteId);
    await this.#withEngine(host, (engine) => engine.setWritesAllowed(identity, isAllowed));
  }

  /** Runs one SQL console statement in the site's database as the site's own user. */
  async runStatement(
    host: DatabaseHostAccess,
    siteId: SiteId,
    password: DatabasePassword,
    statement: SqlStatement,
  ): Promise<SqlStatementResult> {
    const identity = this.#identityOf(siteId);
    return this.#withEngine(host, (engine) => engine.runStatement(identity, password, statement));
  }

  /** The sites of this installation that have a database or a user on the host, in id order. */
  async siteIds(host: DatabaseHostAccess): Promise<SiteId[]> {
    const found = await this.#withEngine(host, (engine) => engine.list());
    return found.map((identity) => identity.siteId);
  }

  /** Checks the admin account reaches the host and holds the rights the engine needs. */
  async checkHost(host: DatabaseHostAccess): Promise<{ kind: SiteDatabaseKind; serverVersion: string }> {
    const { serverVersion } = await this.#withEngine(host, (engine) => engine.checkAdmin());
    return { kind: host.kind, serverVersion };
  }

  /** How many hosts have an engine open (for tests of the idle close). */
  get openEngineCount(): number {
    return this.#engines.size;
  }

  /** Closes every host's engine. */
  async close(): Promise<void> {
    const open = [...this.#engines.values()];
    this.#engines.clear();
    for (const entry of open) clearTimeout(entry.idleTimer);
    await Promise.all(open.map((entry) => this.#closeEngine(entry)));
  }

  #identityOf(siteId: SiteId): SiteDatabaseIdentity {
    return siteDatabaseIdentity(this.#deps.installationId, siteId);
  }

  async #withEngine<T>(host: DatabaseHostAccess, work: (engine: SiteDatabaseEngine) => Promise<T>): Promise<T> {
    // The connection limit is part of the key: the engine applies it to every site user it makes or repairs.
    const key = JSON.stringify([host.kind, host.adminUrl, host.connectionLimit]);
    let entry = this.#engines.get(key);
    if (entry === undefined) {
      const engine = this.#deps.createEngine(host.kind, {
        adminUrl: host.adminUrl,
        installationId: this.#deps.installationId,
        connectionLimit: host.connectionLimit,
      });
      entry = { engine, users: 0 };
      this.#engines.set(key, entry);
    }
    const open = entry;
    clearTimeout(open.idleTimer);
    open.users += 1;
    try {
      return await work(open.engine);
    } finally {
      open.users -= 1;
      if (open.users === 0) {
        open.idleTimer = setTimeout(() => this.#closeIdle(key, open), this.#deps.idleCloseMs ?? defaultIdleCloseMs);
        open.idleTimer.unref();
      }
    }
  }

  #closeIdle(key: string, entry: OpenEngine): void {
    if (this.#engines.get(key) !== entry || entry.users > 0) return;
    this.#engines.delete(key);
    void this.#closeEngine(entry);
  }

  async #closeEngine(entry: OpenEngine): Promise<void> {
    try {
      await entry.engine.close();
    } catch (error) {
      // Never the URL: it holds the admin's password.
      this.#deps.log.warn({ kind: entry.engine.kind, err: error }, "could not close a database host's connections");
    }
  }
}
