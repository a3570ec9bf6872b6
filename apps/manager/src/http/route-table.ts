import type { FastifyInstance } from "fastify";

/** One route as the app registered it: a method and Fastify's URL pattern (`/api/sites/:name`, `.../files/*`). */
export interface RouteEntry {
  method: string;
  url: string;
}

/**
 * Collects every route registered on `app` (and its child scopes) from now on, through Fastify's onRoute hook. The
 * manager logs the list once it is ready (level debug), which is how the adversarial e2e test finds every route.
 */
export function collectRoutes(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  return routes;
}
