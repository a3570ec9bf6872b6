/**
 * The router's internal API, every route of it: called by the worker (and `director reconcile`) with the router's
 * token. A route maps a site's public hostnames to the balancer(s) that serve it; routes are keyed by site id.
 */
import { topologies } from "@director/domain/topology";
import { z } from "zod";
import { healthRoute } from "./internal-health.js";
import { hostnameSchema, siteIdSchema, siteNameSchema } from "./internal-values.js";
import { type RouteTable, route } from "./route.js";

/** The body of PUT /routes/:siteId. */
export const routeSpecSchema = z.object({
  /**
   * the site's hostnames, e.g. ["hello.sites.example.org"]; for now each must be a site's name under the sites domain
   * (custom domains come later), else 400 VALIDATION_FAILED
   */
  hostnames: z.array(hostnameSchema).min(1).max(64),
});
export type RouteSpec = z.input<typeof routeSpecSchema>;

/** The answer to PUT /routes/:siteId; `written` is false when the edge needs no file of its own for the route (shared topology). */
export const routeWrittenSchema = z.object({ written: z.boolean() });
export type RouteWritten = z.infer<typeof routeWrittenSchema>;

/** One route file at the edge (`site-<id>.conf`), as read back from disk. */
export const routeFileInventorySchema = z.object({
  /** the site id the file is named for */
  siteId: siteIdSchema,
  /** the hostnames in its server_name line */
  hostnames: z.array(z.string()),
  /** the file is exactly what the router writes for that site id and hostnames in the current topology */
  isCurrent: z.boolean(),
});
export type RouteFileInventory = z.infer<typeof routeFileInventorySchema>;

/**
 * A route file named by site name (`route-<name>.conf`), as routers wrote them before routes were keyed by site id:
 * always a leftover. Writing the site's route removes it; `director reconcile` removes those of sites that are gone.
 */
export const legacyRouteFileSchema = z.object({ siteName: siteNameSchema });
export type LegacyRouteFile = z.infer<typeof legacyRouteFileSchema>;

/**
 * What the edge serves. In the split topology each site needs its route file; in the shared topology the balancer's
 * own server block answers on the edge and no route file should exist (`needsRouteFiles` false).
 */
export const routerInventorySchema = z.object({
  topology: z.enum(topologies),
  needsRouteFiles: z.boolean(),
  routes: z.array(routeFileInventorySchema),
  legacyRoutes: z.array(legacyRouteFileSchema).default([]),
});
export type RouterInventory = z.infer<typeof routerInventorySchema>;

const siteRouteParamsSchema = z.object({ siteId: siteIdSchema });

export const routeInventoryRoute = route({
  method: "GET",
  path: "/internal/v1/routes",
  caller: "internal",
  answer: routerInventorySchema,
  answerKind: "json",
  summary: "every route file of the edge, read back (reads only)",
});

export const upsertRouteRoute = route({
  method: "PUT",
  path: "/internal/v1/routes/:siteId",
  caller: "internal",
  params: siteRouteParamsSchema,
  body: routeSpecSchema,
  answer: routeWrittenSchema,
  answerKind: "json",
  summary:
    "routes the site's hostnames to the balancers (a file in the split topology, none in the shared one), replacing its file named by site name if one is left",
});

export const removeRouteRoute = route({
  method: "DELETE",
  path: "/internal/v1/routes/:siteId",
  caller: "internal",
  params: siteRouteParamsSchema,
  answerKind: "empty",
  summary: "removes the site's route (no-op when absent)",
});

export const removeLegacyRouteRoute = route({
  method: "DELETE",
  path: "/internal/v1/legacy-routes/:siteName",
  caller: "internal",
  params: z.object({ siteName: siteNameSchema }),
  answerKind: "empty",
  summary: "removes a route file named by site name, left from before routes were keyed by site id (no-op when absent)",
});

export const routerApi = {
  health: healthRoute,
  routeInventory: routeInventoryRoute,
  upsertRoute: upsertRouteRoute,
  removeRoute: removeRouteRoute,
  removeLegacyRoute: removeLegacyRouteRoute,
} as const satisfies RouteTable;
