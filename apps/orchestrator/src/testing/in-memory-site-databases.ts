import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { DatabasePassword, SiteDatabaseIdentity, SiteDatabaseKind } from "@director/domain/site-database";
import type { SqlStatement, SqlStatementResult } from "@director/domain/sql-console";
import {
  bySiteId,
  type SiteDatabaseEngine,
  type SiteDatabaseEngineFactory,
  type SiteDatabaseHostOptions,
} from "../core/site-database-engine.js";

/**
 * A fake database host, in memory, for unit tests only: the engines' pooling and the routes' checks of their input.
 * Every engine is tested against real PostgreSQL and MariaDB servers (adapters/*-site-databases.int.test.ts) and the
 * routes against them too (site-databases.int.test.ts).
 */
export class InMemorySiteDatabaseEngine implements SiteDatabaseEngine {
  readonly databases = new Map<string, { identity: SiteDatabaseIdentity; password: DatabasePassword }>();
  isClosed = false;
  /** every statement run, in order */
  readonly statements: { database: SiteDatabaseIdentity; statement: SqlStatement }[] = [];
  /** what a statement answers (or throws); by default one row that repeats the statement */
  answerStatement: (statement: SqlStatement) => Promise<SqlStatementResult> = async ({ statement }) => ({
    command: "SELECT",
    columns: [{ name: "statement", type: "text" }],
    rows: [[statement]],
    rowCount: 1,
    truncated: false,
    truncatedValues: [],
    durationMs: 1,
  });

  constructor(
    readonly kind: SiteDatabaseKind,
    readonly options: SiteDatabaseHostOptions,
  ) {}

  async ensure(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void> {
    this.databases.set(database.name, { identity: database, password });
  }

  async rotatePassword(database: SiteDatabaseIdentity, password: DatabasePassword): Promise<void> {
    if (!this.databases.has(database.name)) throw new DirectorError("SITE_DATABASE_NOT_FOUND", "No such database.");
    this.databases.set(database.name, { identity: database, password });
  }

  async drop(database: SiteDatabaseIdentity): Promise<void> {
    this.databases.delete(database.name);
  }

  async sizeBytes(database: SiteDatabaseIdentity): Promise<number> {
    if (!this.databases.has(database.name)) throw new DirectorError("SITE_DATABASE_NOT_FOUND", "No such database.");
    return 8192;
  }

  async sizesBytes(databases: readonly SiteDatabaseIdentity[]): Promise<Map<SiteId, number>> {
    return new Map(
      databases.flatMap((database) => (this.databases.has(database.name) ? [[database.siteId, 8192]] : [])),
    );
  }

  /** the users whose writes are stopped, by name */
  readonly writesStopped = new Set<string>();

  async setWritesAllowed(database: SiteDatabaseIdentity, isAllowed: boolean): Promise<void> {
    if (!this.databases.has(database.name)) throw new DirectorError("SITE_DATABASE_NOT_FOUND", "No such database.");
    if (isAllowed) this.writesStopped.delete(database.name);
    else this.writesStopped.add(database.name);
  }

  async runStatement(
    database: SiteDatabaseIdentity,
    password: DatabasePassword,
    statement: SqlStatement,
  ): Promise<SqlStatementResult> {
    const found = this.databases.get(database.name);
    if (found === undefined) throw new DirectorError("SITE_DATABASE_NOT_FOUND", "No such database.");
    if (found.password !== password) throw new DirectorError("SITE_DATABASE_LOGIN_REFUSED", "Wrong password.");
    this.statements.push({ database, statement });
    return this.answerStatement(statement);
  }

  async list(): Promise<SiteDatabaseIdentity[]> {
    return [...this.databases.values()]
      .map((entry) => entry.identity)
      .filter((identity) => identity.installationId === this.options.installationId)
      .sort(bySiteId);
  }

  async checkAdmin(): Promise<{ serverVersion: string }> {
    return { serverVersion: "0.0-in-memory" };
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}

/** A factory that keeps every engine it made, in order. */
export function inMemoryEngineFactory(): { create: SiteDatabaseEngineFactory; made: InMemorySiteDatabaseEngine[] } {
  const made: InMemorySiteDatabaseEngine[] = [];
  return {
    made,
    create: (kind, options) => {
      const engine = new InMemorySiteDatabaseEngine(kind, options);
      made.push(engine);
      return engine;
    },
  };
}
