import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteInventory } from "../core/site-inventory.js";

/** GET /inventory[?siteId=N] (contracts/orchestrator-inventory.ts): what exists of each site here; reads only. */
export function registerInventoryRoutes(app: FastifyInstance, deps: { inventory: SiteInventory }): void {
  registerRoute(app, orchestratorApi.inventory, async ({ query }) => deps.inventory.report(query.siteId));
}
