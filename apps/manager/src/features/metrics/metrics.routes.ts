import { platformRoutes } from "@director/contracts/manager-routes-accounts";
import { countRequests } from "@director/http-kit/component-metrics";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { ManagerMetrics } from "./manager-metrics.js";

/**
 * GET /metrics in Prometheus text format, for a scraper holding DIRECTOR_METRICS_TOKEN (`Authorization: Bearer`; the
 * route's declared caller, checked in http/api-routes.ts). Also counts every request the app answers. Registered only
 * when a token is configured: otherwise there is no such route (404).
 */
export function registerMetricsRoutes(app: FastifyInstance, deps: { metrics: ManagerMetrics }): void {
  const { metrics } = deps;
  countRequests(app, metrics);

  registerApiRoute(app, platformRoutes.metrics, async ({ reply }) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
