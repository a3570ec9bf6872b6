/**
 * The orchestrator's route for what sites use (issue 15). Traffic: the balancer's nginx appends one short line per
 * request to a traffic log (buffered, so no request waits on a disk write and no Node.js process sees a request),
 * and the manager reads it through this route from a cursor it keeps in its own database, in the same transaction as
 * the counts it adds: every request is counted once, across nginx reloads, restarts of either side and rotations of
 * the log. The orchestrator counts by host (nginx's `$host`); which site a host is, the manager knows.
 */
import { z } from "zod";
import { siteIdParamsSchema } from "./internal-values.js";
import { route } from "./route.js";

/**
 * Where the manager is in an orchestrator's traffic log: the log's own id (made once with its directory: a new
 * directory, a new machine, starts over rather than trusting a stale offset), the file's generation (each rotation
 * starts the next) and a byte offset within it, always at the start of a line.
 */
export const trafficCursorSchema = z
  .object({
    logId: z.string().regex(/^[a-z0-9]{8,64}$/),
    generation: z.number().int().min(0),
    offset: z.number().int().min(0),
  })
  .strict();
export type TrafficCursor = z.infer<typeof trafficCursorSchema>;

/** One host's requests in one minute (UTC), as nginx logged them. */
export const trafficBucketSchema = z
  .object({
    /** nginx's `$host`: lower case, without a port */
    host: z.string().min(1).max(253),
    /** the minute's start, ISO 8601 UTC (`2026-12-04T10:15:00.000Z`) */
    minute: z.string(),
    requests: z.number().int().min(0),
    /** bytes sent to clients, headers included (`$bytes_sent`) */
    bytesSent: z.number().int().min(0),
    /** requests by status class; a status outside 100..599 (444: the connection closed) counts as 4xx/5xx by value */
    status2xx: z.number().int().min(0),
    status3xx: z.number().int().min(0),
    status4xx: z.number().int().min(0),
    status5xx: z.number().int().min(0),
    /** sum and maximum of `$request_time`, in ms */
    requestTimeMsSum: z.number().int().min(0),
    requestTimeMsMax: z.number().int().min(0),
  })
  .strict();
export type TrafficBucket = z.infer<typeof trafficBucketSchema>;

/** The most of the log one call reads by default, and at most. */
export const trafficReadDefaultBytes = 4 * 1024 * 1024;
export const trafficReadMaxBytes = 16 * 1024 * 1024;

export const readTrafficRoute = route({
  method: "POST",
  path: "/internal/v1/usage/traffic",
  caller: "internal",
  body: z
    .object({
      /** null, or a cursor of another log: from the oldest line the log still holds */
      after: trafficCursorSchema.nullable(),
      maxBytes: z.number().int().min(1024).max(trafficReadMaxBytes).default(trafficReadDefaultBytes),
    })
    .strict(),
  answer: z.object({
    /** the complete lines after `after` up to `next`, counted by host and minute */
    buckets: z.array(trafficBucketSchema),
    next: trafficCursorSchema,
    /** more lines were there than `maxBytes`: call again at once with `next` */
    hasMore: z.boolean(),
  }),
  answerKind: "json",
  summary:
    "the balancer's traffic after a cursor, counted by host and minute, and the cursor after it (asking past a rotated file removes it)",
});

/**
 * One running site container's use of the machine, as the Docker engine counts it. CPU time is cumulative since the
 * container started (the manager takes the difference between two samples of the same container); memory is what it
 * holds now, the page cache it could drop left out (as `docker stats` shows it).
 */
export const siteResourceSampleSchema = z
  .object({
    siteId: z.number().int().positive(),
    containerId: z.string().regex(/^[0-9a-f]{12,64}$/),
    cpuUsageNs: z.number().int().min(0),
    memoryBytes: z.number().int().min(0),
    /** the container's memory limit; null when it has none (the machine's memory is the limit) */
    memoryLimitBytes: z.number().int().min(0).nullable(),
  })
  .strict();
export type SiteResourceSample = z.infer<typeof siteResourceSampleSchema>;

/**
 * A site's process that ended on its own: `crash`, it exited with an error (no one stopped it), or `oom`, the kernel
 * killed it for reaching its memory limit. Stops asked for (a restart, an update, a removal) are not events.
 */
export const siteProcessEventSchema = z
  .object({
    siteId: z.number().int().positive(),
    containerId: z.string().regex(/^[0-9a-f]{12,64}$/),
    kind: z.enum(["crash", "oom"]),
    /** ISO 8601 */
    at: z.string(),
    /** the process's exit code; null when the engine did not say */
    exitCode: z.number().int().nullable(),
  })
  .strict();
export type SiteProcessEvent = z.infer<typeof siteProcessEventSchema>;

/** Unix time in seconds with up to nine decimals, as the Docker engine takes it for `since` and `until`. */
const engineTimeSchema = z.string().regex(/^[0-9]{1,12}(?:\.[0-9]{1,9})?$/);

export const readResourcesRoute = route({
  method: "GET",
  path: "/internal/v1/usage/resources",
  caller: "internal",
  query: z
    .object({
      /** the `eventsUntil` of the last call: process events from then (a minute before, at most an hour); absent: none */
      eventsSince: engineTimeSchema.optional(),
    })
    .strict(),
  answer: z.object({
    /** when the samples were taken (ISO 8601) */
    sampledAt: z.string(),
    samples: z.array(siteResourceSampleSchema),
    /** sites' processes that crashed or were killed for memory since `eventsSince` (with some overlap: dedupe) */
    processEvents: z.array(siteProcessEventSchema),
    /** where the next call's `eventsSince` starts */
    eventsUntil: engineTimeSchema,
  }),
  answerKind: "json",
  summary:
    "CPU time and memory of every running site container on this node, as the Docker engine counts them, and the site processes that crashed or were killed for memory since a time",
});

/** How full one site's volume is, as its own filesystem counts it (orchestrator adapters/loop-site-volumes.ts). */
export const siteDiskUsageSchema = z
  .object({
    usedBytes: z.number().int().min(0),
    /** what the site may hold in all, what it holds included */
    quotaBytes: z.number().int().min(0),
    usedInodes: z.number().int().min(0),
    totalInodes: z.number().int().min(0),
  })
  .strict();
export type SiteDiskUsageFigures = z.infer<typeof siteDiskUsageSchema>;

export const readDiskUsageRoute = route({
  method: "GET",
  path: "/internal/v1/usage/disk",
  caller: "internal",
  answer: z.object({
    measuredAt: z.string(),
    /** false: this orchestrator keeps sites in plain directories, measured and held by nothing */
    isEnforced: z.boolean(),
    sites: z.array(siteDiskUsageSchema.extend({ siteId: z.number().int().positive() })),
    /** the filesystem the sites' files take room on (the volume images', or the sites directory's); null: unknown */
    space: z.object({ totalBytes: z.number().int().min(0), freeBytes: z.number().int().min(0) }).nullable(),
  }),
  answerKind: "json",
  summary: "how full each site's volume is (one statfs per site)",
});

/** The smallest disk quota a site can have (ext4's own structures need a few MiB, and a site room to start). */
export const minimumSiteDiskQuotaBytes = 16 * 1024 * 1024;

export const setDiskQuotaRoute = route({
  method: "PUT",
  path: "/internal/v1/sites/:id/disk-quota",
  caller: "internal",
  params: siteIdParamsSchema,
  body: z
    .object({
      /** null: the orchestrator's default (DIRECTOR_SITE_DISK_QUOTA_BYTES) */
      quotaBytes: z.number().int().min(minimumSiteDiskQuotaBytes).max(Number.MAX_SAFE_INTEGER).nullable(),
    })
    .strict(),
  answer: siteDiskUsageSchema,
  answerKind: "json",
  summary:
    "holds the site's volume to a quota at once (shrinking below what it holds stops its writes); 404 PATH_NOT_FOUND without a volume, 501 SITE_VOLUMES_DISABLED without volumes",
});
