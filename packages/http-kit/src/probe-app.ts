/**
 * The probes of a component that serves no HTTP API of its own (a worker, the shell server): GET /healthz (and
 * /health) and GET /readyz, open to anyone, so that a supervisor watches it as it watches the other components; and
 * GET /metrics for a scraper holding DIRECTOR_METRICS_TOKEN, when one is configured.
 */
import { healthRoute, livenessRoute, readinessRoute } from "@director/contracts/internal-health";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { type ComponentMetrics, metricsTokenCheck, serveMetrics } from "./component-metrics.js";
import { installErrorHandling } from "./error-handler.js";
import { checkReadiness, type ReadinessChecks } from "./readiness.js";
import { registerRoute, requireDeclaredCallers } from "./routes.js";

export function buildProbeApp(deps: {
  component: string;
  readiness: ReadinessChecks;
  log: Logger;
  /** GET /metrics for a scraper holding the metrics token; absent: none */
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
  registerProbeRoutes(app, deps.component, deps.readiness);
  return app;
}

/** GET /health, /healthz (the process serves) and /readyz (`readiness` answers), open to anyone. */
export function registerProbeRoutes(app: FastifyInstance, component: string, readiness: ReadinessChecks): void {
  const alive = async () => ({ ok: true as const, component });
  registerRoute(app, healthRoute, alive);
  registerRoute(app, livenessRoute, alive);
  registerRoute(app, readinessRoute, async ({ reply }) => {
    const answer = await checkReadiness(component, readiness);
    if (!answer.ready) reply.code(503);
    return answer;
  });
}
