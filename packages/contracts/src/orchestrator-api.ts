/**
 * The orchestrator's internal API (called by the worker and the manager only; bearer-token authenticated).
 * Paths are relative to the orchestrator's base URL. Every mutating call is idempotent.
 */
import { z } from "zod";

export const orchestratorApiPrefix = "/internal/v1";

export const siteRefSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
});

/** What the balancer needs to serve a site; derived from the database on every call (the database is the truth). */
export const balancerSiteSpecSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  type: z.enum(["static", "dynamic"]),
  availability: z.enum(["enabled", "not-served", "disabled"]),
  /** nginx client_max_body_size for requests to the site, in bytes; absent: the orchestrator's configured default */
  clientBodyLimitBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .optional(),
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

/** `:id` in every /sites/:id/... path is the site's id, a positive whole number. */
/** PUT /sites/:id/directories — creates public/ and private/ (no-op when present). Answer: 204. */
/** DELETE /sites/:id/directories — removes the whole site directory (no-op when absent). Answer: 204. */
/** PUT /sites/:id/balancer — body BalancerSiteSpec (its id must equal :id); writes and activates the site's nginx server block. Answer: 204. */
/** DELETE /sites/:id/balancer — removes it (no-op when absent). Answer: 204. */

export const fileEntrySchema = z.object({
  name: z.string(),
  type: z.enum(["file", "directory", "symlink", "other"]),
  sizeBytes: z.number().int().min(0),
  modifiedAt: z.string(),
  mode: z.number().int(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

/**
 * One page of a directory: at most `limit` entries sorted by name (JavaScript's string order, which is byte order for
 * ASCII names), those after the query's `after`. A directory may hold more entries than one answer should carry.
 */
export const directoryListingSchema = z.object({
  path: z.string(),
  entries: z.array(fileEntrySchema),
  /** every entry of the directory when it was read, on all pages */
  totalEntries: z.number().int().min(0),
  /** the `after` of the next page; null: this page is the last */
  nextAfter: z.string().nullable(),
});
export type DirectoryListing = z.infer<typeof directoryListingSchema>;

/** Entries on one page of a directory listing unless the query asks for fewer or more. */
export const directoryPageDefaultLimit = 200;
/** The most entries one page may carry. */
export const directoryPageMaxLimit = 1000;

/**
 * A directory listing's page: `limit` entries (1 to directoryPageMaxLimit), those whose name sorts after `after` (the
 * previous page's `nextAfter`; a name, so at most 255 bytes, without `/` or NUL). Checked on every read, used for a directory.
 */
export const directoryPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(directoryPageMaxLimit).default(directoryPageDefaultLimit),
  after: z
    .string()
    .min(1)
    .refine((name) => new TextEncoder().encode(name).length <= 255, "at most 255 bytes, as a file name")
    .refine((name) => !name.includes("/") && !name.includes("\0"), "a file name: no '/' and no NUL")
    .optional(),
});
export type DirectoryPageQuery = z.infer<typeof directoryPageQuerySchema>;

/** The query of the files routes: `path` relative to the site directory, e.g. `public/index.html`. */
export const fileQuerySchema = z.object({ path: z.string().min(1).optional() });

/** GET /sites/:id/files?path=P[&limit=N&after=NAME] — a file's bytes (application/octet-stream) or, for a directory (or no path: the site directory), one page of its DirectoryListing (JSON). */
/** PUT /sites/:id/files?path=P[&mode=644|755] — body: the file's bytes (application/octet-stream, at most the configured maximum, else 413 UPLOAD_TOO_LARGE); creates parent directories. Answer: FileWritten. */
/** DELETE /sites/:id/files?path=P — removes a file or an empty directory (no-op when absent). Answer: 204. */
export const fileWrittenSchema = z.object({ path: z.string(), sizeBytes: z.number().int().min(0) });
export type FileWritten = z.infer<typeof fileWrittenSchema>;

/** GET /health (no token) — answers while the process serves. */
export const healthSchema = z.object({ ok: z.literal(true), component: z.string() });

/**
 * PUT /sites/:id/service — runs (isEnabled) or scales to zero the site's Swarm service; idempotent. The
 * orchestrator gives the site directory to the site user, builds/uses the base image and keeps the balancer's
 * upstream in step with the task. DELETE /sites/:id/service removes it (no-op when absent);
 * POST /sites/:id/service/restart restarts its process (SITE_NOT_READY when there is no service).
 */
export const siteServiceRequestSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  isEnabled: z.boolean(),
  /** omitted: the orchestrator's configured defaults */
  limits: z
    .object({
      cpus: z.number().positive().max(64),
      memoryBytes: z.number().int().positive(),
      pidsLimit: z.number().int().positive().max(100_000),
    })
    .partial()
    .default({}),
  env: z.record(z.string(), z.string()).default({}),
  /** the image the site's process runs (what POST /sites/:id/image answered); omitted: the orchestrator's base image */
  image: z.string().max(255).optional(),
});
export type SiteServiceRequest = z.input<typeof siteServiceRequestSchema>;

/**
 * POST /sites/:id/image — makes the image a site runs from its published image and extra packages: the parent itself
 * when nothing is added, else `director/site-<id>:<hash of the recipe>`, built now unless it exists (an unchanged
 * recipe reuses it). Slow (minutes for big packages); idempotent. A failing build answers 422 IMAGE_BUILD_FAILED with
 * the last lines of the build output in `details.log`; nothing else changes (the service keeps its image).
 */
export const siteImageRequestSchema = z.object({
  id: z.number().int().positive(),
  /** the published image's parent, a Docker image reference */
  parent: z.string().max(255),
  /** administrator-trusted shell script run as root during the build; "" for none */
  setupCommands: z.string().max(20_000).default(""),
  /** administrator-trusted command the quoted package names are appended to; "" when the image takes no packages */
  installCommandPrefix: z.string().max(500).default(""),
  /** package names (Debian's grammar), at most 50 */
  packages: z.array(z.string()).max(50).default([]),
});
export type SiteImageRequest = z.input<typeof siteImageRequestSchema>;

export const siteImageResultSchema = z.object({
  /** the reference to put in the service request's `image` */
  image: z.string(),
  /** true when this call built it (false: the parent itself, or an image built before) */
  isBuilt: z.boolean(),
});
export type SiteImageResult = z.infer<typeof siteImageResultSchema>;

/** GET /sites/:id/service — what the site's process is doing, in words a student understands. */
export const siteServiceStatusSchema = z.object({
  state: z.enum(["running", "starting", "stopped", "failed", "absent"]),
  message: z.string(),
});
export type SiteServiceStatus = z.infer<typeof siteServiceStatusSchema>;

/** GET /sites/:id/logs?tailLines=N — the last lines of the site's process output (N ≤ 1000, default 100). */
export const siteLogsSchema = z.object({ lines: z.array(z.string()) });
export type SiteLogs = z.infer<typeof siteLogsSchema>;

/**
 * GET /sites/:id/logs?follow=true&tailLines=N — the newest N lines (0 ≤ N ≤ 1000), then each new line as it is printed
 * (a restart's new task included), as newline-delimited JSON (application/x-ndjson), one object per line, until the
 * caller closes the connection. A site without a process answers an ordinary error (SITE_NOT_READY) instead.
 */
export const siteLogLineSchema = z.object({ text: z.string() });
export type SiteLogLine = z.infer<typeof siteLogLineSchema>;

/** One site as the orchestrator finds it on its machine: what the reconciler compares with the database. */
export const siteInventorySchema = z.object({
  id: z.number().int().positive(),
  /** `<sites dir>/<id>` exists (a directory) */
  hasDirectory: z.boolean(),
  balancer: z.object({
    /** the site's server block file exists */
    hasConfig: z.boolean(),
    /** the spec the balancer was last given (without the upstream), or null when none is kept */
    spec: balancerSiteSpecSchema.nullable(),
    /** the file is exactly what `spec` renders now, with the task's current address; false without a file or spec */
    isConfigCurrent: z.boolean(),
  }),
  /** the site's Swarm service of this installation, or null when there is none */
  service: z
    .object({
      name: z.string(),
      /** desired replicas */
      replicas: z.number().int().min(0),
      image: z.string(),
      labels: z.record(z.string(), z.string()),
    })
    .nullable(),
  /** the tags of the site's own images (labelled with this installation and the site); [] without Docker */
  images: z.array(z.string()).default([]),
});
export type SiteInventory = z.infer<typeof siteInventorySchema>;

/**
 * GET /inventory[?siteId=N] — every site the orchestrator finds anything of (a directory, a balancer file or spec,
 * a service of its installation), by id; with `siteId`, that site only (listed even when nothing of it exists).
 * `isDockerAvailable` false: no engine at start, services are not listed (and `service` is null throughout).
 */
export const orchestratorInventorySchema = z.object({
  installationId: z.string(),
  isDockerAvailable: z.boolean(),
  sites: z.array(siteInventorySchema),
});
export type OrchestratorInventory = z.infer<typeof orchestratorInventorySchema>;
