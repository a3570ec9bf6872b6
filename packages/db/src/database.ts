/** Opens the application's connection pool to PostgreSQL as a typed Kysely handle. */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { DB } from "./schema.js";

/** The typed handle every repository takes; a `Transaction<DB>` is one too, so repositories can run inside one. */
export type DatabaseHandle = Kysely<DB>;

/** Options of the pool. */
export interface DatabaseOptions {
  /** at most this many connections at once (pg's default is 10) */
  maxConnections?: number;
  /**
   * Called when an idle pooled connection fails (e.g. the server restarted). Without a listener pg's pool would
   * emit an unhandled 'error' and crash the process; the pool drops that client and opens a new one on demand.
   */
  onIdleConnectionError?: (error: Error) => void;
}

/** Creates a pooled Kysely handle for `url` (postgres://user:password@host:port/database); call `destroy()` to close. */
export function createDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // Opened connections stay open. With pg's default (closed after 10 s idle) a steady load kept closing the ones
    // above its usual need and opening them again for the next burst; each new one (a server process, SCRAM, cold
    // caches) held its queries up: measured here as ~100 ms stalls that put the site list's p99 at 200 requests/s
    // near 100 ms instead of 25–40 ms (bench/README.md).
    idleTimeoutMillis: 0,
    // Idle connections do not keep a process alive on their own: a command that is done exits.
    allowExitOnIdle: true,
  });
  pool.on("error", (error) => options.onIdleConnectionError?.(error));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Resolves when the database answers a query (a readiness check); throws what pg throws when it does not. */
export async function pingDatabase(db: DatabaseHandle): Promise<void> {
  await sql`select 1`.execute(db);
}
