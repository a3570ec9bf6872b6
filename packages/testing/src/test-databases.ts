/**
 * Real PostgreSQL databases for integration tests: a fresh database on the developers' server, or an embedded
 * server in a temporary directory. Both are migrated; `testBackends` runs one suite against each.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, type DatabaseHandle } from "@director/db/database";
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from "@director/db/embedded-postgres";
import { migrateToLatest } from "@director/db/migrate";
import { sql } from "kysely";
import pg from "pg";
import { freePort } from "./free-port.js";

/** A migrated database that a test owns; `close()` releases everything it holds. */
export interface TestDatabase {
  db: DatabaseHandle;
  url: string;
  close(): Promise<void>;
}

/** A database named for one test run on the PostgreSQL server; `drop()` removes it. */
export interface ServerTestDatabase extends TestDatabase {
  drop(): Promise<void>;
}

/** An embedded PostgreSQL in a temporary directory; `stop()` shuts it down and deletes the directory. */
export interface EmbeddedTestDatabase extends TestDatabase {
  dataDir: string;
  stop(): Promise<void>;
}

/** The server the developers' and CI machines run (trust auth); overridden by DIRECTOR_TEST_DATABASE_URL. */
const defaultAdminUrl = "postgres://postgres@127.0.0.1:5432/postgres";

/** Where a test helper reports the embedded server; debug output is dropped, warnings reach the test output. */
export const quietTestLog = {
  debug: (_details: Record<string, unknown>, _message: string): void => undefined,
  info: (_details: Record<string, unknown>, _message: string): void => undefined,
  warn: (details: Record<string, unknown>, message: string): void => console.warn(message, details),
};

/**
 * Creates, migrates and returns a uniquely named database on the PostgreSQL server; `{ migrated: false }` leaves it
 * empty (what a restore starts from).
 */
export async function createServerTestDatabase(options: { migrated?: boolean } = {}): Promise<ServerTestDatabase> {
  // Tests read the environment directly: they have no config.ts, and this is the one knob CI needs.
  const adminUrl = process.env.DIRECTOR_TEST_DATABASE_URL ?? defaultAdminUrl;
  const name = `director_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withAdminClient(adminUrl, (client) => client.query(`create database ${client.escapeIdentifier(name)}`));
  const url = withDatabaseName(adminUrl, name);
  const db = createDatabase(url, { maxConnections: 5 });
  let dropping: Promise<void> | undefined;
  const drop = () => {
    dropping ??= (async () => {
      await db.destroy();
      await withAdminClient(adminUrl, (client) =>
        client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`),
      );
    })();
    return dropping;
  };
  try {
    if (options.migrated ?? true) await migrateToLatest(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return { db, url, drop, close: drop };
}

/** Starts an embedded PostgreSQL on a free loopback port in a new temporary directory, migrated. */
export async function startEmbeddedTestDatabase(): Promise<EmbeddedTestDatabase> {
  // Under the system temp dir: /tmp is traversable by the postgres OS user, unlike /root.
  const root = await mkdtemp(join(tmpdir(), "director-pg-"));
  // mkdtemp makes it 0700; the postgres OS user (when tests run as root) must be able to enter it.
  await chmod(root, 0o711);
  const dataDir = join(root, "pg");
  const removeRoot = () => rm(root, { recursive: true, force: true });
  let server: EmbeddedPostgresHandle;
  try {
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: quietTestLog });
  } catch (error) {
    await removeRoot();
    throw error;
  }
  const db = createDatabase(server.url, { maxConnections: 5 });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await db.destroy();
      await server.stop();
      await removeRoot();
    })();
    return stopping;
  };
  try {
    await migrateToLatest(db);
  } catch (error) {
    await stop();
    throw error;
  }
  return { db, url: server.url, dataDir, stop, close: stop };
}

/** One way to get a test database, for `describe.each(testBackends)`. */
export interface TestBackend {
  name: "postgres-server" | "embedded-postgres";
  open(): Promise<TestDatabase>;
}

/** Both PostgreSQL backends Director supports; run repository suites against each. */
export const testBackends: readonly TestBackend[] = [
  { name: "postgres-server", open: createServerTestDatabase },
  { name: "embedded-postgres", open: startEmbeddedTestDatabase },
];

/** Empties every table and restarts ids, for suites whose tests must not see each other's rows. */
export async function truncateAllTables(db: DatabaseHandle): Promise<void> {
  await sql`truncate table mail_outbox, site_requests, audit_events, operation_steps, operations, site_members, sites, sessions, users restart identity cascade`.execute(
    db,
  );
}

async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
