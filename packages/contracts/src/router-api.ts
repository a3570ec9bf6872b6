/**
 * The router's internal API (called by the worker only; bearer-token authenticated).
 * A route maps a site's public hostnames to the balancer(s) that serve it.
 */
import { z } from "zod";

export const routerApiPrefix = "/internal/v1";

/**
 * PUT /routes/:siteName — body RouteSpec (idempotent); answer RouteWritten. For now every hostname must be
 * `<siteName>.<sitesDomain>` (custom domains come later), else 400 VALIDATION_FAILED.
 * DELETE /routes/:siteName — no-op when absent; answer 204.
 * GET /health (no token) — answers while the process serves.
 */
export const routeSpecSchema = z.object({
  siteId: z.number().int().positive(),
  /** lowercase hostnames, e.g. ["hello.sites.example.org"] */
  hostnames: z.array(z.string()).min(1).max(64),
});
export type RouteSpec = z.infer<typeof routeSpecSchema>;

/** The answer to PUT /routes/:siteName; `written` is false when the edge needs no file of its own for the route (shared topology). */
export const routeWrittenSchema = z.object({ written: z.boolean() });
export type RouteWritten = z.infer<typeof routeWrittenSchema>;

/** One route file at the edge, as read back from disk. */
export const routeFileInventorySchema = z.object({
  siteName: z.string(),
  /** the site id the file was written for, or null when its header cannot be read (edited by hand) */
  siteId: z.number().int().positive().nullable(),
  /** the hostnames in its server_name line */
  hostnames: z.array(z.string()),
  /** the file is exactly what the router writes for that site id and hostnames in the current topology */
  isCurrent: z.boolean(),
});
export type RouteFileInventory = z.infer<typeof routeFileInventorySchema>;

/**
 * GET /routes — what the edge serves. In the split topology each site needs its route file; in the shared topology
 * the balancer's own server block answers on the edge and no route file should exist (`needsRouteFiles` false).
 */
export const routerInventorySchema = z.object({
  topology: z.enum(["shared", "split"]),
  needsRouteFiles: z.boolean(),
  routes: z.array(routeFileInventorySchema),
});
export type RouterInventory = z.infer<typeof routerInventorySchema>;
