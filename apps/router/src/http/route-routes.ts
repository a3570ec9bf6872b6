import {
  type RouterInventory,
  type RouteWritten,
  routerApiPrefix,
  routeSpecSchema,
} from "@director/contracts/router-api";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { EdgeRoutes } from "../core/ports.js";

function siteNameOf(request: FastifyRequest): SiteName {
  return parseSiteName((request.params as { siteName?: unknown }).siteName);
}

/** PUT/DELETE /routes/:siteName, both idempotent; GET /routes, what the edge serves (reads only). */
export function registerRouteRoutes(app: FastifyInstance, deps: { routes: EdgeRoutes }): void {
  app.get(`${routerApiPrefix}/routes`, async (): Promise<RouterInventory> => deps.routes.inventory());

  const route = `${routerApiPrefix}/routes/:siteName`;

  app.put(route, async (request): Promise<RouteWritten> => {
    const siteName = siteNameOf(request);
    return deps.routes.upsert(siteName, routeSpecSchema.parse(request.body));
  });

  app.delete(route, async (request, reply) => {
    await deps.routes.remove(siteNameOf(request));
    return reply.status(204).send();
  });
}
