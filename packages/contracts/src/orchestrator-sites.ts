/** The orchestrator's routes for a site's directories and its balancer server block. Every one is idempotent. */
import { siteAvailabilities, siteTypes } from "@director/domain/site";
import { z } from "zod";
import { customDomainSchema, siteIdParamsSchema, siteIdSchema, siteNameSchema } from "./internal-values.js";
import { route } from "./route.js";

/** What the balancer needs to serve a site; derived from the database on every call (the database is the truth). */
export const balancerSiteSpecSchema = z.object({
  id: siteIdSchema,
  name: siteNameSchema,
  type: z.enum(siteTypes),
  availability: z.enum(siteAvailabilities),
  /** nginx client_max_body_size for requests to the site, in bytes; absent: the orchestrator's configured default */
  clientBodyLimitBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .optional(),
  /** the site's own domains, served like `<name>.<sites domain>`; absent: none */
  domains: z.array(customDomainSchema).max(100).optional(),
  /** those of `domains` served over HTTPS with their certificate (the router's store); absent: none */
  httpsDomains: z.array(customDomainSchema).max(100).optional(),
  /**
   * A dynamic site's running task, which the balancer proxies to; null or absent: no task runs (the public gets a
   * "not running" page). The orchestrator fills it in from the engine (its task address watcher); the manager,
   * which does not know task addresses, leaves it out.
   */
  upstream: z
    .object({
      /** The task's IPv4 address on the site network, dotted decimal without leading zeros */
      address: z.ipv4(),
      port: z.number().int().min(1).max(65535),
    })
    .nullable()
    .optional(),
});
export type BalancerSiteSpec = z.infer<typeof balancerSiteSpecSchema>;

/** The body of PUT …/balancer: the spec without its id, which the path holds. */
export const balancerSiteRequestSchema = balancerSiteSpecSchema.omit({ id: true });
export type BalancerSiteRequest = z.input<typeof balancerSiteRequestSchema>;

export const ensureSiteDirectoriesRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/directories",
  caller: "internal",
  params: siteIdParamsSchema,
  answerKind: "empty",
  summary: "creates the site directory with public/, private/ and .home/ (no-op when present)",
});

export const removeSiteDirectoriesRoute = route({
  method: "DELETE",
  path: "/internal/v1/sites/:id/directories",
  caller: "internal",
  params: siteIdParamsSchema,
  answerKind: "empty",
  summary:
    "deletes the site directory and the site's images (no-op when absent); 503 SITE_PROCESS_STILL_RUNNING while a process of the site runs",
});

export const upsertBalancerRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/balancer",
  caller: "internal",
  params: siteIdParamsSchema,
  body: balancerSiteRequestSchema,
  answerKind: "empty",
  summary: "writes and activates the site's nginx server block",
});

export const removeBalancerRoute = route({
  method: "DELETE",
  path: "/internal/v1/sites/:id/balancer",
  caller: "internal",
  params: siteIdParamsSchema,
  answerKind: "empty",
  summary: "removes the site's nginx server block (no-op when absent)",
});

/** The most renamed sites' old names redirected at once. */
export const maxSiteRedirects = 10_000;

export const setSiteRedirectsRoute = route({
  method: "PUT",
  path: "/internal/v1/redirects",
  caller: "internal",
  body: z
    .object({
      redirects: z.array(z.object({ from: siteNameSchema, to: siteNameSchema }).strict()).max(maxSiteRedirects),
    })
    .strict(),
  answerKind: "empty",
  summary:
    "the whole set of renamed sites' old names, each answered with a 301 to its new name (kept across restarts; checked, reloaded)",
});
