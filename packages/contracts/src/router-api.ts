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
