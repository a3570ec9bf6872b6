import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { type ComponentMetrics, metricsTokenCheck, serveMetrics } from "./component-metrics.js";
import { answerFrameworkError, installErrorHandling } from "./error-handler.js";
import { type InternalToken, internalTokenCheck } from "./internal-auth.js";
import { registerProbeRoutes } from "./probe-app.js";
import type { ReadinessChecks } from "./readiness.js";
import { requireDeclaredCallers } from "./routes.js";

/** What every internal API starts from: its component name (reported by /health), its token(s) and its logger. */
export interface InternalAppOptions {
  component: string;
  /** the token callers send; two during a rotation (the new one and the old one, both accepted) */
  token: InternalToken | readonly InternalToken[];
  log: Logger;
  /** what GET /readyz checks (none: ready while it serves) */
  readiness?: ReadinessChecks;
  /** GET /metrics for a scraper holding `token` (DIRECTOR_METRICS_TOKEN); absent: no such route (404) */
  metrics?: { metrics: ComponentMetrics; token: string };
}

/**
 * A Fastify app for an internal API: error bodies with stable codes, WebSocket routes (`websocket: true`), the public
 * probes GET /health (/healthz) and GET /readyz (its `readiness` checks), and GET /metrics when `metrics` is given. Every
 * route must declare its caller (contracts/route.ts); an `internal` one is refused without the component's token,
 * before anything of the request is read, and no other kind of caller is served.
 */
export function buildInternalApp({
  component,
  token,
  log,
  readiness = {},
  metrics,
}: InternalAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // One line per internal call would drown the operations' own logs; refusals and failures are logged anyway.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // Stopping closes every connection, also the long ones (a followed log, an operation's events): waiting for
    // them held a stop until it was killed, leaving nginx behind. A browser's EventSource reconnects by itself.
    forceCloseConnections: true,
    frameworkErrors: answerFrameworkError,
  });
  installErrorHandling(app);
  // Before the caller check: the plugin's own onRequest hook marks an upgrade, so that an upgrade refused over HTTP
  // (a missing token) has its socket closed once answered, rather than left open (and holding a stop) forever.
  void app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  requireDeclaredCallers(app, {
    internal: internalTokenCheck(token),
    ...(metrics === undefined ? {} : { metrics: metricsTokenCheck(metrics.token) }),
  });
  if (metrics !== undefined) serveMetrics(app, metrics.metrics);
  registerProbeRoutes(app, component, readiness);
  return app;
}
