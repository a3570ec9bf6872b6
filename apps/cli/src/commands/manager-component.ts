import { createDatabase } from "@director/db/database";
import { migrateToLatest } from "@director/db/migrate";
import { InProcessWakeup, loadManagerConfig, startManager } from "@director/manager";
import type { Logger } from "pino";

/**
 * The manager (API) or the worker (operations and the other background work) as a process of its own, on the
 * database of DATABASE_URL, whose schema it first brings up to date. With DIRECTOR_RABBITMQ_URL a worker is fed by
 * the queue; without it, it finds work by polling the database (DIRECTOR_WORKER_POLL_MS). Resolves to its closer.
 */
export async function startManagerComponent(
  role: "manager" | "worker",
  env: NodeJS.ProcessEnv,
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  const config = loadManagerConfig(env);
  const db = createDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db, log);
    const manager = await startManager(config, {
      db,
      log,
      wakeup: new InProcessWakeup(),
      roles: { api: role === "manager", worker: role === "worker" },
    });
    if (manager.url) log.info({ url: manager.url }, "manager listening");
    return {
      close: async () => {
        try {
          await manager.close();
        } finally {
          await db.destroy();
        }
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
