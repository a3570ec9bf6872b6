/**
 * The router's internal API, every route of it: called by the worker (and `director reconcile`) with the router's
 * token. A route maps a site's public hostnames to the balancer(s) that serve it; routes are keyed by site id.
 */
import { topologies } from "@director/domain/topology";
import { z } from "zod";
import { healthRoute, livenessRoute, readinessRoute } from "./internal-health.js";
import { customDomainSchema, hostnameSchema, siteIdSchema, siteNameSchema } from "./internal-values.js";
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

/** `/internal/v1/certificates/:domain` */
const certificateParamsSchema = z.object({ domain: customDomainSchema });

export const certificateIssuedSchema = z.object({
  /**
   * `issued`: a new certificate is in place; `current`: the one in place is valid for longer than asked, kept;
   * `not_configured`: this router has no certificate authority (the domain is served over HTTP only)
   */
  outcome: z.enum(["issued", "current", "not_configured"]),
  /** when the certificate in place expires (ISO 8601); null when there is none */
  notAfter: z.string().nullable(),
});
export type CertificateIssued = z.infer<typeof certificateIssuedSchema>;

export const issueCertificateRoute = route({
  method: "PUT",
  path: "/internal/v1/certificates/:domain",
  caller: "internal",
  params: certificateParamsSchema,
  body: z.object({
    /** a certificate in place that expires later than this many days from now is kept (a step run again) */
    renewWithinDays: z.number().int().min(0).max(365),
  }),
  answer: certificateIssuedSchema,
  answerKind: "json",
  summary:
    "makes sure the domain has a certificate: issues one over ACME HTTP-01 (answered by the edge) unless the one in place is current",
});

export const removeCertificateRoute = route({
  method: "DELETE",
  path: "/internal/v1/certificates/:domain",
  caller: "internal",
  params: certificateParamsSchema,
  answerKind: "empty",
  summary: "removes the domain's certificate and key (no-op when absent)",
});

export const certificateInventoryRoute = route({
  method: "GET",
  path: "/internal/v1/certificates",
  caller: "internal",
  answer: z.object({
    certificates: z.array(z.object({ domain: z.string(), notAfter: z.string().nullable() })),
  }),
  answerKind: "json",
  summary: "every certificate the router keeps, with its expiry (reads only)",
});

export const routerApi = {
  health: healthRoute,
  healthz: livenessRoute,
  readyz: readinessRoute,
  routeInventory: routeInventoryRoute,
  upsertRoute: upsertRouteRoute,
  removeRoute: removeRouteRoute,
  removeLegacyRoute: removeLegacyRouteRoute,
  issueCertificate: issueCertificateRoute,
  removeCertificate: removeCertificateRoute,
  certificateInventory: certificateInventoryRoute,
} as const satisfies RouteTable;
