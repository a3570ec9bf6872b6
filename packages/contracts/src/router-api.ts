/**
 * The router's internal API (called by the worker only; bearer-token authenticated).
 * A route maps a site's public hostnames to the balancer(s) that serve it.
 */
import { z } from "zod";

export const routerApiPrefix = "/internal/v1";

/** PUT /routes/:siteName — body RouteSpec (idempotent). DELETE /routes/:siteName — no-op when absent. */
export const routeSpecSchema = z.object({
  siteId: z.number().int().positive(),
  /** lowercase hostnames, e.g. ["hello.sites.example.org"] */
  hostnames: z.array(z.string()).min(1).max(64),
});
export type RouteSpec = z.infer<typeof routeSpecSchema>;
