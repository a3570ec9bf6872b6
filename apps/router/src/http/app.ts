import type { ComponentMetrics } from "@director/http-kit/component-metrics";
import { buildInternalApp } from "@director/http-kit/internal-app";
import type { InternalToken } from "@director/http-kit/internal-auth";
import type { ReadinessChecks } from "@director/http-kit/readiness";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Certificates } from "../core/certificates.js";
import type { EdgeRoutes } from "../core/ports.js";
import { registerCertificateRoutes } from "./certificate-routes.js";
import { registerRouteRoutes } from "./route-routes.js";

/** What the router's HTTP edge needs. */
export interface RouterAppDeps {
  log: Logger;
  /** the token callers send; two during a rotation */
  token: InternalToken | readonly InternalToken[];
  routes: EdgeRoutes;
  certificates: Certificates;
  /** what GET /readyz checks: its own edge nginx when it runs one */
  readiness?: ReadinessChecks;
  /** GET /metrics for a scraper holding the metrics token; absent: none */
  metrics?: { metrics: ComponentMetrics; token: string };
}

/** The router's internal API: every route of its table (contracts/router-api.ts), token-protected but /health. */
export function buildRouterApp(deps: RouterAppDeps): FastifyInstance {
  const app = buildInternalApp({
    component: "router",
    token: deps.token,
    log: deps.log,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  registerRouteRoutes(app, deps);
  registerCertificateRoutes(app, deps);
  return app;
}
