import { usageRoutes } from "@director/contracts/manager-routes-usage";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { SiteUsageService } from "./site-usage.service.js";
import { presentSiteUsage } from "./usage.presenter.js";

/** GET /api/sites/:name/usage?window=hour|day|week */
export function registerUsageRoutes(app: FastifyInstance, deps: { usage: SiteUsageService }): void {
  registerApiRoute(app, usageRoutes.site, async ({ actor, params, query }) =>
    presentSiteUsage(await deps.usage.forSite(actor, params.name, query.window)),
  );
}
