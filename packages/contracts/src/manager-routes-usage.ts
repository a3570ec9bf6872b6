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

/** One period of what a site's process used; periods in which it did not run are left out. */
export const resourcePointViewSchema = z.object({
  /** the period's start, ISO 8601 UTC */
  at: z.string(),
  /** CPU time used in the period, in % of one core (two cores busy: 200) */
  cpuPercent: z.number().min(0),
  /** the most memory the process held when sampled in the period */
  memoryBytes: z.number().int().min(0),
  /** its memory limit; null: none */
  memoryLimitBytes: z.number().int().min(0).nullable(),
});
export type ResourcePointView = z.infer<typeof resourcePointViewSchema>;

/** How full a site's volume was when last measured. */
export const siteDiskViewSchema = z.object({
  usedBytes: z.number().int().min(0),
  /** what the site may hold in all */
  quotaBytes: z.number().int().min(0),
  usedInodes: z.number().int().min(0),
  totalInodes: z.number().int().min(0),
  /** ISO 8601 */
  measuredAt: z.string(),
  /** the quota an administrator gave this site; null: the installation's default */
  ownQuotaBytes: z.number().int().min(0).nullable(),
  /** at 90 % or more of its quota: members are warned */
  isNearQuota: z.boolean(),
});
export type SiteDiskView = z.infer<typeof siteDiskViewSchema>;

/** The share of its quota at which a site is warned (and alerted about). */
export const diskWarningShare = 0.9;

export const siteUsageViewSchema = z.object({
  window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]),
  /** each point's period, in seconds: 60 or 3600 */
  periodSeconds: z.number().int(),
  /** the window: from (inclusive) to (exclusive), whole periods, ISO 8601 UTC */
  from: z.string(),
  to: z.string(),
  traffic: z.array(trafficPointViewSchema),
  /** a dynamic site's process: CPU and memory per period (empty for a static site) */
  resources: z.array(resourcePointViewSchema),
  /** its disk as last measured; null: not measured yet, or this installation has no site volumes */
  disk: siteDiskViewSchema.nullable(),
  /** the most its files took per hour of the window, and its quota then (hours not measured left out) */
  diskHours: z.array(z.object({ at: z.string(), usedBytes: z.number().int(), quotaBytes: z.number().int() })),
  /** the window's totals */
  totals: z.object({
    requests: z.number().int().min(0),
    bytesSent: z.number().int().min(0),
    errors: z.number().int().min(0),
  }),
});
export type SiteUsageView = z.infer<typeof siteUsageViewSchema>;

/** What the busiest sites are sorted by. */
export const usageOrders = ["requests", "bytes", "errors"] as const;
export type UsageOrder = (typeof usageOrders)[number];

/** GET /api/admin/usage/top?window=&by=&limit= */
export const topSitesQuerySchema = z
  .object({
    window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]).default("hour"),
    by: z.enum(usageOrders).default("requests"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** A site among the busiest: its totals over the window and its requests per period (a sparkline). */
export const busySiteViewSchema = z.object({
  site: z.string(),
  requests: z.number().int().min(0),
  bytesSent: z.number().int().min(0),
  /** 5xx answers */
  errors: z.number().int().min(0),
  /** requests per sparkline period over the window, oldest first (`sparklinePeriodSeconds` each) */
  sparkline: z.array(z.number().int().min(0)),
});
export type BusySiteView = z.infer<typeof busySiteViewSchema>;

/** What the busiest processes are sorted by. */
export const processOrders = ["cpu", "memory"] as const;
export type ProcessOrder = (typeof processOrders)[number];

/** GET /api/admin/usage/processes?window=&by=&limit= */
export const topProcessesQuerySchema = z
  .object({
    window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]).default("hour"),
    by: z.enum(processOrders).default("cpu"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** A dynamic site among the busiest by its process: CPU and memory over the window, and its CPU per period. */
export const busyProcessViewSchema = z.object({
  site: z.string(),
  /** CPU time over the window, in % of one core over the whole window */
  cpuPercent: z.number().min(0),
  /** the most memory its process held in the window, and its limit then (null: none) */
  memoryBytes: z.number().int().min(0),
  memoryLimitBytes: z.number().int().min(0).nullable(),
  /** CPU per sparkline period (% of one core), oldest first, zero where the process did not run */
  sparkline: z.array(z.number().min(0)),
});
export type BusyProcessView = z.infer<typeof busyProcessViewSchema>;

/** PUT /api/sites/:name/disk-quota */
export const setDiskQuotaRequestSchema = z
  .object({
    /** bytes, at least 16 MiB; null: back to the installation's default */
    quotaBytes: z
      .number()
      .int()
      .min(16 * 1024 * 1024)
      .max(Number.MAX_SAFE_INTEGER)
      .nullable(),
  })
  .strict();

/** GET /api/admin/usage/disk?minPercent=&limit= */
export const fullestSitesQuerySchema = z
  .object({
    /** only sites holding at least this share of their quota, in % */
    minPercent: z.coerce.number().min(0).max(100).default(0),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const fullSiteViewSchema = z.object({
  site: z.string(),
  usedBytes: z.number().int().min(0),
  quotaBytes: z.number().int().min(0),
  /** used / quota, in % (one decimal) */
  percent: z.number().min(0),
  measuredAt: z.string(),
});
export type FullSiteView = z.infer<typeof fullSiteViewSchema>;

/** GET /api/admin/usage/overview?window= */
export const overviewQuerySchema = z
  .object({ window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]).default("hour") })
  .strict();

/** The whole platform at a glance (administrators). */
export const platformOverviewViewSchema = z.object({
  window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]),
  periodSeconds: z.number().int(),
  from: z.string(),
  to: z.string(),
  sites: z.object({ total: z.number().int(), static: z.number().int(), dynamic: z.number().int() }),
  /** site processes running at the last sample; null: never sampled */
  runningProcesses: z.number().int().nullable(),
  /** requests per second over the last whole minute, all sites */
  requestsPerSecond: z.number().min(0),
  /** all sites' requests and server errors per period of the window (periods without any left out) */
  traffic: z.array(z.object({ at: z.string(), requests: z.number().int(), status5xx: z.number().int() })),
  disk: z.object({
    /** sites measured, their files and their quotas, summed */
    sites: z.number().int(),
    usedBytes: z.number().int(),
    quotaBytes: z.number().int(),
    /** the filesystem they take room on; null: not measured yet */
    totalBytes: z.number().int().nullable(),
    freeBytes: z.number().int().nullable(),
  }),
  operations: z.object({ pending: z.number().int(), running: z.number().int(), failed: z.number().int() }),
});
export type PlatformOverviewView = z.infer<typeof platformOverviewViewSchema>;

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
  top: route({
    ...managerPaths.usage.top,
    caller: "admin",
    summary:
      "the busiest sites over the last hour, day or week, by requests, bytes sent or server errors (administrators)",
    query: topSitesQuerySchema,
    answer: z.object({
      window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]),
      by: z.enum(usageOrders),
      from: z.string(),
      to: z.string(),
      sparklinePeriodSeconds: z.number().int(),
      sites: z.array(busySiteViewSchema),
    }),
    answerKind: "json",
  }),
  processes: route({
    ...managerPaths.usage.processes,
    caller: "admin",
    summary:
      "the dynamic sites whose processes used the most CPU or memory over the last hour, day or week (administrators)",
    query: topProcessesQuerySchema,
    answer: z.object({
      window: z.enum(Object.keys(usageWindows) as [UsageWindow, ...UsageWindow[]]),
      by: z.enum(processOrders),
      from: z.string(),
      to: z.string(),
      sparklinePeriodSeconds: z.number().int(),
      sites: z.array(busyProcessViewSchema),
    }),
    answerKind: "json",
  }),
  overview: route({
    ...managerPaths.usage.overview,
    caller: "admin",
    summary:
      "the platform at a glance: sites, running processes, requests per second and per period, disk used and left, operations queued and failed (administrators)",
    query: overviewQuerySchema,
    answer: platformOverviewViewSchema,
    answerKind: "json",
  }),
  fullest: route({
    ...managerPaths.usage.fullest,
    caller: "admin",
    summary: "the sites fullest against their disk quota, as last measured (administrators)",
    query: fullestSitesQuerySchema,
    answer: z.object({ sites: z.array(fullSiteViewSchema) }),
    answerKind: "json",
  }),
  setDiskQuota: route({
    ...managerPaths.usage.setDiskQuota,
    caller: "admin",
    summary:
      "give the site its own disk quota in bytes, or null for the default (administrators); applied at once, shrinking below what it holds stops its writes",
    params: siteParamsSchema,
    body: setDiskQuotaRequestSchema,
    answer: z.object({ disk: siteDiskViewSchema }),
    answerKind: "json",
  }),
};
