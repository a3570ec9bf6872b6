/**
 * A site's own domains (issue 11): members list, add and remove them and retry a failed one; administrators see every
 * site's. Adding or removing queues an operation that changes what the balancer serves; the domain's own progress
 * (DNS, certificate) is in its `status`, which the site page follows live.
 */
import { siteDomainStatuses } from "@director/domain/site-domain";
import { z } from "zod";
import { operationViewSchema } from "./manager-api.js";
import { siteParamsSchema, waitQuerySchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { route } from "./route.js";
import { text } from "./text.js";

const { domains } = managerPaths;

/** The DNS record that points a domain at Director, as the member should create it. */
export const dnsRecordViewSchema = z.object({
  type: z.enum(["A", "AAAA", "CNAME"]),
  /** the name to create the record at: the domain itself */
  name: z.string(),
  value: z.string(),
});

export const siteDomainViewSchema = z.object({
  /** normalised, ASCII (punycode) */
  domain: z.string(),
  /** as people read it (non-ASCII labels in their own script) */
  displayName: z.string(),
  status: z.enum(siteDomainStatuses),
  /** why it waits or failed, in plain words; "" when there is nothing to say */
  statusMessage: z.string(),
  /** when its certificate expires (ISO 8601); null: no certificate yet */
  certificateExpiresAt: z.string().nullable(),
  /** the records that make it resolve here; [] when the installation did not configure its public addresses */
  dnsRecords: z.array(dnsRecordViewSchema),
  /** the URL it is served at */
  url: z.string(),
  createdAt: z.string(),
});
export type SiteDomainView = z.infer<typeof siteDomainViewSchema>;

/** POST /api/sites/:name/domains */
export const addSiteDomainRequestSchema = z.object({ domain: text().max(300) }).strict();

/** `/api/sites/:name/domains/:domain` (the domain as listed, or as typed: it is normalised again) */
export const siteDomainParamsSchema = z.object({ name: text().max(64), domain: text().max(300) });

const domainsAnswer = z.object({ domains: z.array(siteDomainViewSchema) });

export const domainRoutes = {
  list: route({
    ...domains.list,
    caller: "person",
    summary: "the site's own domains, with where each stands (DNS, certificate)",
    params: siteParamsSchema,
    answer: domainsAnswer,
    answerKind: "json",
  }),
  add: route({
    ...domains.add,
    caller: "person",
    summary: "add a domain to the site (members); it is served once its DNS points here",
    params: siteParamsSchema,
    query: waitQuerySchema,
    body: addSiteDomainRequestSchema,
    // null: the site was busy with another operation; the certificate operation serves the domain (see its status)
    answer: z.object({ domain: siteDomainViewSchema, operation: operationViewSchema.nullable() }),
    answerKind: "json",
    status: 201,
  }),
  remove: route({
    ...domains.remove,
    caller: "person",
    summary: "take a domain off the site (members): no longer served, its certificate removed",
    params: siteDomainParamsSchema,
    query: waitQuerySchema,
    // null: the site was busy; the domain is `removing` and its operation is queued once the site is free
    answer: z.object({ operation: operationViewSchema.nullable() }),
    answerKind: "json",
  }),
  retry: route({
    ...domains.retry,
    caller: "person",
    summary: "check a waiting or failed domain again now",
    params: siteDomainParamsSchema,
    answer: z.object({ domain: siteDomainViewSchema }),
    answerKind: "json",
  }),
  listAll: route({
    ...domains.listAll,
    caller: "admin",
    summary: "every site's domains, with their status and certificate expiry (administrators)",
    answer: z.object({ domains: z.array(siteDomainViewSchema.extend({ site: z.string() })) }),
    answerKind: "json",
  }),
};
