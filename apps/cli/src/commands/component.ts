import { hostname } from "node:os";
import { loadOrchestratorConfig, runOrchestrator } from "@director/orchestrator";
import { loadRouterConfig, runRouter } from "@director/router";
import { loadShellConfig, runShell } from "@director/shell";
import type { Logger } from "pino";
import { startManagerComponent } from "./manager-component.js";

/**
 * Runs one component as its own process, as production does (`director <component>`; the built programs in
 * dist/<component> do the same for one component each, see apps/cli/src/bin).
 */
export async function runComponent(
  component: "manager" | "worker" | "orchestrator" | "router" | "shell",
  env: NodeJS.ProcessEnv,
  log: Logger,
  waitForSignal: () => Promise<void>,
): Promise<void> {
  const componentLog = log.child({ component, host: hostname() });
  const running =
    component === "orchestrator"
      ? await runOrchestrator(loadOrchestratorConfig(env), componentLog)
      : component === "router"
        ? await runRouter(loadRouterConfig(env), componentLog)
        : component === "shell"
          ? await runShell(loadShellConfig(env), componentLog)
          : await startManagerComponent(component, env, componentLog);
  await waitForSignal();
  await running.close();
}
