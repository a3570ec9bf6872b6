import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { TrafficLog } from "../core/ports.js";

/** POST /usage/traffic (contracts/orchestrator-usage.ts): the balancer's traffic after the manager's cursor. */
export function registerUsageRoutes(app: FastifyInstance, deps: { traffic: TrafficLog }): void {
  registerRoute(app, orchestratorApi.readTraffic, async ({ body }) => deps.traffic.read(body.after, body.maxBytes));
}
