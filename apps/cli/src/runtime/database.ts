import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { createDatabase } from "@director/db/database";
import { startEmbeddedPostgres } from "@director/db/embedded-postgres";
import { migrateToLatest } from "@director/db/migrate";
import type { DB } from "@director/db/schema";
import { DirectorError } from "@director/domain/errors";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { runningInstancePid } from "./instance-lock.js";

export interface OpenDatabase {
  db: Kysely<DB>;
  url: string;
  close(): Promise<void>;
}

/**
 * The database `director` talks to: DATABASE_URL when set (production), else the embedded PostgreSQL under the
 * data directory, started here and stopped on close. Migrations run on open; they are idempotent and locked.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPort: number;
  log: Logger;
}): Promise<OpenDatabase> {
  const { log } = options;
  let url = options.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(options.dataDir, "postgres"),
      port: options.embeddedPort,
      log: log.child({ component: "postgres" }),
    });
    url = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const db = createDatabase(url);
  try {
    await migrateToLatest(db, log.child({ component: "migrate" }));
  } catch (error) {
    await db.destroy();
    await stopEmbedded?.();
    throw error;
  }
  return {
    db,
    url,
    close: async () => {
      await db.destroy();
      await stopEmbedded?.();
    },
  };
}

/** True when the data directory already holds an embedded database (a `director up` ran here before). */
export async function hasEmbeddedDatabase(dataDir: string): Promise<boolean> {
  try {
    await access(path.join(dataDir, "postgres", "PG_VERSION"));
    return true;
  } catch {
    return false;
  }
}

/** Where a running `director up` leaves its database URL (0600) so admin commands reach the same database. */
export function runningDatabaseUrlFile(dataDir: string): string {
  return path.join(dataDir, "run", "database-url");
}

/**
 * Runs `work` on the installation's database: DATABASE_URL; else the embedded database of a running
 * `director up`; else the embedded database started just for this command.
 */
export async function withDatabase<T>(
  options: { databaseUrl: string | undefined; dataDir: string; embeddedPort: number; log: Logger },
  work: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (!options.databaseUrl && (await runningInstancePid(options.dataDir)) !== null) {
    // A running `director up` owns the embedded server: use it, never start (or take over) another.
    const runningUrl = await readRunningUrl(options.dataDir);
    if (!runningUrl) {
      throw new DirectorError(
        "DATABASE_UNAVAILABLE",
        "The running director has not opened its database yet; try again.",
      );
    }
    const db = createDatabase(runningUrl);
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  }
  const database = await openDatabase(options);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

async function readRunningUrl(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(runningDatabaseUrlFile(dataDir), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}
