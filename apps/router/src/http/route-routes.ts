import { routerApi } from "@director/contracts/router-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { EdgeRoutes } from "../core/ports.js";

/** A site's route, keyed by its id (contracts/router-api.ts): written and removed idempotently; all of them, read back. */
export function registerRouteRoutes(app: FastifyInstance, deps: { routes: EdgeRoutes }): void {
  registerRoute(app, routerApi.routeInventory, async () => deps.routes.inventory());

  registerRoute(app, routerApi.upsertRoute, async ({ params, body }) =>
    deps.routes.upsert(params.siteId, body.hostnames),
  );

  registerRoute(app, routerApi.removeRoute, async ({ params }) => {
    await deps.routes.remove(params.siteId);
  });

  registerRoute(app, routerApi.removeLegacyRoute, async ({ params }) => {
    await deps.routes.removeLegacy(params.siteName);
  });
}
