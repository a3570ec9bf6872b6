/**
 * What sites use (issue 15): anyone who sees a site sees its traffic over the last hour, day or week, from the
 * counts the worker takes from the balancer's traffic log (features/usage/traffic-collector.ts).
 */
import { z } from "zod";
import { siteParamsSchema } from "./manager-params.js";
import { managerPaths } from "./manager-paths.js";
import { route } from "./route.js";

/** The windows a site's graphs show, and the period of their points: a minute up to a day, an hour beyond. */
export const usageWindows = { hour: "minute", day: "minute", week: "hour" } as const;
export type UsageWindow = keyof typeof usageWindows;

/** GET /api/sites/:name/usage?window= */
export const siteUsageQuerySchema = z
  .object({ window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]).default("hour") })
  .strict();

/** One period of a site's traffic; periods without requests are left out (the graph draws them as zero). */
export const trafficPointViewSchema = z.object({
  /** the period's start, ISO 8601 UTC */
  at: z.string(),
  requests: z.number().int().min(0),
  bytesSent: z.number().int().min(0),
  status2xx: z.number().int().min(0),
  status3xx: z.number().int().min(0),
  status4xx: z.number().int().min(0),
  status5xx: z.number().int().min(0),
  /** mean and longest response time in the period, in ms (nginx's `$request_time`) */
  averageResponseMs: z.number().min(0),
  maxResponseMs: z.number().int().min(0),
});
export type TrafficPointView = z.infer<typeof trafficPointViewSchema>;

export const siteUsageViewSchema = z.object({
  window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]),
  /** each point's period, in seconds: 60 or 3600 */
  periodSeconds: z.number().int(),
  /** the window: from (inclusive) to (exclusive), whole periods, ISO 8601 UTC */
  from: z.string(),
  to: z.string(),
  traffic: z.array(trafficPointViewSchema),
  /** the window's totals */
  totals: z.object({
    requests: z.number().int().min(0),
    bytesSent: z.number().int().min(0),
    errors: z.number().int().min(0),
  }),
});
export type SiteUsageView = z.infer<typeof siteUsageViewSchema>;

export const usageRoutes = {
  site: route({
    ...managerPaths.usage.site,
    caller: "person",
    summary: "the site's traffic (requests, bytes, status classes, response time) over the last hour, day or week",
    params: siteParamsSchema,
    query: siteUsageQuerySchema,
    answer: siteUsageViewSchema,
    answerKind: "json",
  }),
};
