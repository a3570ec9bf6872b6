import { hostname } from "node:os";
import { createDatabase } from "@director/db/database";
import { migrateToLatest } from "@director/db/migrate";
import { InProcessWakeup, loadManagerConfig, startManager } from "@director/manager";
import { loadOrchestratorConfig, runOrchestrator } from "@director/orchestrator";
import { loadRouterConfig, runRouter } from "@director/router";
import { loadShellConfig, runShell } from "@director/shell";
import type { Logger } from "pino";

/**
 * Runs one component as its own process, as production does. Until the RabbitMQ transport lands, a
 * standalone worker finds work by polling the database (DIRECTOR_WORKER_POLL_MS); nothing is lost either way.
 */
export async function runComponent(
  component: "manager" | "worker" | "orchestrator" | "router" | "shell",
  env: NodeJS.ProcessEnv,
  log: Logger,
  waitForSignal: () => Promise<void>,
): Promise<void> {
  const componentLog = log.child({ component, host: hostname() });
  if (component === "orchestrator") {
    const running = await runOrchestrator(loadOrchestratorConfig(env), componentLog);
    await waitForSignal();
    await running.close();
    return;
  }
  if (component === "shell") {
    const running = await runShell(loadShellConfig(env), componentLog);
    await waitForSignal();
    await running.close();
    return;
  }
  if (component === "router") {
    const running = await runRouter(loadRouterConfig(env), componentLog);
    await waitForSignal();
    await running.close();
    return;
  }
  const config = loadManagerConfig(env);
  const db = createDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db, componentLog);
    const manager = await startManager(config, {
      db,
      log: componentLog,
      wakeup: new InProcessWakeup(),
      roles: { api: component === "manager", worker: component === "worker" },
    });
    if (manager.url) componentLog.info({ url: manager.url }, "manager listening");
    await waitForSignal();
    await manager.close();
  } finally {
    await db.destroy();
  }
}
