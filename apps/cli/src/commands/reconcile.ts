/**
 * `director reconcile [--site NAME] [--dry-run] [--json]`: compares the database with what the orchestrator and
 * router have, repairs the drift through durable operations (run by the installation's worker) and waits for them,
 * printing their progress. Works against a running `director up` (its database, internal API addresses and tokens
 * are found in its data directory), or, in production, against the components named by the manager's variables
 * (DATABASE_URL, DIRECTOR_ORCHESTRATOR_URL/_TOKEN, DIRECTOR_ROUTER_URL/_TOKEN, DIRECTOR_SITES_DOMAIN, and
 * DIRECTOR_SECRETS_KEY to check site databases on their hosts).
 */
import type { ReconcileReport } from "@director/contracts/manager-reconcile";
import type { DatabaseHandle } from "@director/db/database";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import { loadManagerConfig } from "@director/manager";
import type { Logger } from "pino";
import { runningInstancePid } from "../runtime/instance-lock.js";
import { readRunningInstance } from "../runtime/running-instance.js";
import { readSecrets } from "../runtime/secrets.js";
import { managerForCommand } from "./command-manager.js";

export interface ReconcileArgs {
  siteName?: string;
  isDryRun: boolean;
  /** how long to wait for the repair operations */
  timeoutMs: number;
}

/** Where the installation's internal APIs are, and the site settings its worker uses. */
export interface ReconcileTarget {
  orchestrator: { url: string; token: string };
  router: { url: string; token: string };
  sites: { domain: string; clientBodyLimitBytes: number };
  /** Director's own host (its certificate is kept) */
  publicHost: string;
  /** set when the database is not the running `director up`'s own (production) */
  databaseUrl?: string;
  /** opens the database hosts' admin URLs; without it site databases are not checked */
  secretsKey?: string;
}

/**
 * The installation to reconcile: the `director up` running on `dataDir`; else, when DIRECTOR_ORCHESTRATOR_URL is
 * set, the components the manager's variables name. Throws a clear error when there is neither.
 */
export async function findReconcileTarget(dataDir: string, env: NodeJS.ProcessEnv): Promise<ReconcileTarget> {
  if ((await runningInstancePid(dataDir)) !== null) {
    const [instance, secrets] = [await readRunningInstance(dataDir), await readSecrets(dataDir)];
    if (instance === null || secrets === null) {
      throw new DirectorError("COMPONENT_UNREACHABLE", "The running director has not finished starting; try again.");
    }
    return {
      orchestrator: { url: instance.orchestratorUrl, token: secrets.orchestratorToken },
      router: { url: instance.routerUrl, token: secrets.routerToken },
      sites: instance.sites,
      publicHost: instance.publicHost,
      secretsKey: secrets.secretsKey,
    };
  }
  if (env.DIRECTOR_ORCHESTRATOR_URL) {
    const config = loadManagerConfig(env);
    return {
      orchestrator: config.orchestrator,
      router: config.router,
      sites: { domain: config.sites.domain, clientBodyLimitBytes: config.sites.clientBodyLimitBytes },
      publicHost: config.domains.publicHost,
      databaseUrl: config.databaseUrl,
      ...(config.secrets.key === undefined ? {} : { secretsKey: config.secrets.key }),
    };
  }
  throw new DirectorError(
    "COMPONENT_UNREACHABLE",
    `No director is running with the data directory ${dataDir}: start it (director up) or set DIRECTOR_DATA_DIR; for separate components set DATABASE_URL, DIRECTOR_ORCHESTRATOR_URL/_TOKEN and DIRECTOR_ROUTER_URL/_TOKEN.`,
  );
}

/** Runs reconcile on `db` against `target`; `onProgress` hears every change of a repair operation. */
export async function runReconcile(
  db: DatabaseHandle,
  log: Logger,
  target: ReconcileTarget,
  args: ReconcileArgs,
  onProgress: (operation: Operation) => void,
): Promise<ReconcileReport> {
  // This process runs no worker and cannot wake the installation's: its worker finds the operations by polling.
  const manager = await managerForCommand(db, log, { components: target });
  return manager.services.reconcile.run({
    actorId: null,
    ...(args.siteName === undefined ? {} : { siteName: args.siteName }),
    isDryRun: args.isDryRun,
    ...(args.isDryRun ? {} : { wait: { timeoutMs: args.timeoutMs, onProgress } }),
  });
}

/** One line per change of a repair operation: which step it is at. */
export function describeProgress(operation: Operation): string {
  const current =
    operation.steps.find((step) => step.status === "running" || step.status === "failed") ??
    operation.steps.findLast((step) => step.status === "succeeded");
  const step = current === undefined ? "" : `: ${current.name}: ${current.status}`;
  const retry =
    current?.status === "running" && current.message !== "" ? ` (${current.message.split("\n").at(-1)})` : "";
  return `${operation.siteName}: operation ${operation.id} ${operation.status}${step}${retry}`;
}

/** The report in plain words: one block per site with drift, then a closing line. */
export function formatReport(report: ReconcileReport): string {
  const lines = [
    `Reconcile of installation ${report.installationId}: ${report.checkedSites} site(s) checked${report.isDryRun ? " (dry run: nothing changed)" : ""}.`,
    ...report.notes.map((note) => `Note: ${note}`),
  ];
  for (const item of report.items) {
    lines.push(`${item.site}${item.isOrphan ? " (no such site)" : ""}:`);
    for (const found of item.drift) lines.push(`  - ${found.kind}: ${found.message}`);
    const operation = item.operationId === null ? "" : ` (operation ${item.operationId})`;
    lines.push(`  => ${item.outcome}${operation}: ${item.message}`);
  }
  if (report.isInSync) lines.push("No drift: Docker, nginx and the site directories match the database.");
  else if (report.isDryRun)
    lines.push(`Drift found in ${report.items.length} place(s); run without --dry-run to repair.`);
  else if (report.isRepaired) lines.push("All drift repaired.");
  else lines.push("Some drift could not be repaired (see above); run director reconcile again later.");
  return `${lines.join("\n")}\n`;
}

/** The exit code: 0 when in sync or all repaired; 1 when drift remains (a dry run that found drift, too). */
export function exitCodeOf(report: ReconcileReport): number {
  if (report.isInSync) return 0;
  return !report.isDryRun && report.isRepaired ? 0 : 1;
}
