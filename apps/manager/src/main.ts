/**
 * The manager as a running process: one process can serve the API, run the worker (operations and mail), or both
 * (`director up` runs both, next to the other components). It is built by createManager (manager.ts).
 */
import type { DatabaseHandle } from "@director/db/database";
import { ComponentMetrics } from "@director/http-kit/component-metrics";
import { buildProbeApp } from "@director/http-kit/probe-app";
import type { Logger } from "pino";
import { SmtpMailer } from "./adapters/smtp-mailer.js";
import type { Wakeup } from "./adapters/wakeup.js";
import type { ManagerConfig } from "./config.js";
import type { AuthService } from "./features/auth/auth.service.js";
import { managerReadinessChecks } from "./features/health/manager-readiness.js";
import { WorkerMetrics } from "./features/metrics/worker-metrics.js";
import { createManager } from "./manager.js";
import { connectManagerAdapters } from "./manager-adapters.js";

export interface ManagerRoles {
  /** serve the JSON API */
  api: boolean;
  /** run operations */
  worker: boolean;
}

export interface ManagerHandle {
  /** the API's base URL, when the API role runs */
  url: string | null;
  auth: AuthService;
  close(): Promise<void>;
}

/** Builds the manager on an open database and starts the chosen roles. The caller owns `db` and closes it. */
export async function startManager(
  config: ManagerConfig,
  deps: { db: DatabaseHandle; log: Logger; wakeup?: Wakeup; roles: ManagerRoles },
): Promise<ManagerHandle> {
  const adapters = await connectManagerAdapters(config, deps);
  const manager = createManager(config, adapters);
  const { auth } = manager.services;

  // Before anything starts, so that a failure leaves nothing running. Only where the API runs: a worker may run
  // without DIRECTOR_GUIDELINES_FILE (it never shows the text) and would record the built-in text's version.
  if (deps.roles.api) {
    const adopted = await auth.recordGuidelinesVersionOfEarlierAcceptances();
    if (adopted > 0) {
      deps.log.info(
        { accounts: adopted, version: auth.guidelines.version },
        "guidelines version recorded for earlier acceptances",
      );
    }
  }
  const closers: Array<() => Promise<void>> = [];
  const { relay } = manager;
  if (relay !== null) {
    relay.start();
    closers.push(() => relay.stop());
  }
  // The worker's metrics join the API's /metrics when this process serves one, else the probes' (a worker alone).
  const { metrics } = manager.services;
  const workerOnlyMetrics =
    metrics !== null && deps.roles.worker && !deps.roles.api ? new ComponentMetrics("worker") : undefined;
  const workerMetrics =
    metrics === null || !deps.roles.worker
      ? undefined
      : new WorkerMetrics(workerOnlyMetrics?.registry ?? metrics.metrics.registry, {
          outbox: manager.services.repositories.operationOutbox,
          queue: adapters.operationQueue,
        });
  if (deps.roles.worker) closers.unshift(manager.startBackground(workerMetrics));
  // after the dispatcher stopped: its last send may still use the transport
  const { mailer } = adapters;
  if (mailer instanceof SmtpMailer) closers.push(async () => mailer.close());
  // after the app and the worker: both publish and listen until they stop
  closers.push(async () => adapters.bus?.close());
  closers.push(async () => adapters.operationQueue?.close());
  closers.push(async () => {
    await adapters.redis?.quit().catch(() => adapters.redis?.disconnect());
  });

  let url: string | null = null;
  const { probePort } = config.worker;
  if (deps.roles.worker && !deps.roles.api && probePort !== undefined) {
    const probes = buildProbeApp({
      component: "worker",
      readiness: managerReadinessChecks(adapters),
      ...(workerOnlyMetrics === undefined || metrics === null
        ? {}
        : { metrics: { metrics: workerOnlyMetrics, token: metrics.token } }),
      log: deps.log.child({ component: "probes" }),
    });
    await probes.listen({ host: config.http.host, port: probePort });
    closers.push(() => probes.close());
  }
  if (deps.roles.api) {
    const app = await manager.buildApp();
    url = await app.listen({ host: config.http.host, port: config.http.port });
    closers.unshift(() => app.close());
  }
  return {
    url,
    auth,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
