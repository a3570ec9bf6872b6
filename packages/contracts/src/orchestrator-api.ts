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
  /** nginx client_max_body_size for requests to the site, in bytes */
  clientBodyLimitBytes: z.number().int().min(0).max(1024 * 1024 * 1024),
});
export type BalancerSiteSpec = z.infer<typeof balancerSiteSpecSchema>;

/** PUT /sites/:id/directories — creates public/ and private/ (no-op when present). */
/** DELETE /sites/:id/directories — removes the whole site directory (no-op when absent). */
/** PUT /sites/:id/balancer — body BalancerSiteSpec; writes and activates the site's nginx server block. */
/** DELETE /sites/:id/balancer — removes it (no-op when absent). */

export const fileEntrySchema = z.object({
  name: z.string(),
  type: z.enum(["file", "directory", "symlink", "other"]),
  sizeBytes: z.number().int().min(0),
  modifiedAt: z.string(),
  mode: z.number().int(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const directoryListingSchema = z.object({
  path: z.string(),
  entries: z.array(fileEntrySchema),
});
export type DirectoryListing = z.infer<typeof directoryListingSchema>;

/** GET /sites/:id/files?path=P — a file's bytes (application/octet-stream) or, for a directory, a DirectoryListing. */
/** PUT /sites/:id/files?path=P — body: the file's bytes; creates parent directories. Answer: FileWritten. */
/** DELETE /sites/:id/files?path=P — removes a file or an empty directory (no-op when absent). */
export const fileWrittenSchema = z.object({ path: z.string(), sizeBytes: z.number().int().min(0) });
export type FileWritten = z.infer<typeof fileWrittenSchema>;

export const healthSchema = z.object({ ok: z.literal(true), component: z.string() });
