/**
 * A worker has no API; with DIRECTOR_WORKER_PROBE_PORT it serves only the public probes, GET /healthz (and /health)
 * and GET /readyz, so that a supervisor watches workers as it watches the other components, and GET /metrics with
 * DIRECTOR_METRICS_TOKEN.
 */
import { platformRoutes } from "@director/contracts/manager-routes-accounts";
import { type ComponentMetrics, metricsTokenCheck, serveMetrics } from "@director/http-kit/component-metrics";
import { installErrorHandling } from "@director/http-kit/error-handler";
import { checkReadiness, type ReadinessChecks } from "@director/http-kit/readiness";
import { registerRoute, requireDeclaredCallers } from "@director/http-kit/routes";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";

export function buildProbeApp(deps: {
  component: string;
  readiness: ReadinessChecks;
  log: Logger;
  /** GET /metrics for a scraper holding the metrics token (DIRECTOR_METRICS_TOKEN); absent: none */
  metrics?: { metrics: ComponentMetrics; token: string };
}): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  installErrorHandling(app);
  const { metrics } = deps;
  requireDeclaredCallers(app, metrics === undefined ? {} : { metrics: metricsTokenCheck(metrics.token) });
  if (metrics !== undefined) serveMetrics(app, metrics.metrics);
  const alive = async () => ({ ok: true, component: deps.component });
  registerRoute(app, platformRoutes.health, alive);
  registerRoute(app, platformRoutes.healthz, alive);
  registerRoute(app, platformRoutes.readyz, async ({ reply }) => {
    const answer = await checkReadiness(deps.component, deps.readiness);
    if (!answer.ready) reply.code(503);
    return answer;
  });
  return app;
}
