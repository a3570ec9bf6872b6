import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteResources, TrafficLog } from "../core/ports.js";

/**
 * POST /usage/traffic and GET /usage/resources (contracts/orchestrator-usage.ts): the balancer's traffic after the
 * manager's cursor, and what running site containers use (none without a Docker engine: no dynamic site runs).
 */
export function registerUsageRoutes(
  app: FastifyInstance,
  deps: { traffic: TrafficLog; resources: SiteResources | null },
): void {
  registerRoute(app, orchestratorApi.readTraffic, async ({ body }) => deps.traffic.read(body.after, body.maxBytes));
  registerRoute(app, orchestratorApi.readResources, async () => {
    const sampledAt = new Date().toISOString();
    return { sampledAt, samples: deps.resources === null ? [] : await deps.resources.sample() };
  });
}
