import { type OrchestratorInventory, orchestratorApiPrefix } from "@director/contracts/orchestrator-api";
import { parseSiteId } from "@director/domain/site";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SiteInventory } from "../core/site-inventory.js";

const inventoryQuerySchema = z.object({ siteId: z.string().optional() });

/** GET /inventory[?siteId=N] (contracts/orchestrator-api.ts): what exists of each site here; reads only. */
export function registerInventoryRoutes(app: FastifyInstance, deps: { inventory: SiteInventory }): void {
  app.get(`${orchestratorApiPrefix}/inventory`, async (request): Promise<OrchestratorInventory> => {
    const { siteId } = inventoryQuerySchema.parse(request.query);
    return deps.inventory.report(siteId === undefined ? undefined : parseSiteId(siteId));
  });
}
