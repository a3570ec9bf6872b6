/** `director reconcile` and POST /api/admin/reconcile: what can drift from the database, and the report. */
import { z } from "zod";
import { text } from "./text.js";

/** What `director reconcile` can find out of line with the database. */
export const driftKinds = [
  "directory_missing",
  "service_missing",
  "service_unexpected",
  "service_replicas_wrong",
  "balancer_config_missing",
  "balancer_config_stale",
  "route_missing",
  "route_stale",
  "certificate_missing",
  "missing_database",
  "orphan_service",
  "orphan_balancer_config",
  "orphan_route",
  "orphan_directory",
  "orphan_images",
  "orphan_certificate",
  "orphan_database",
] as const;
export type DriftKind = (typeof driftKinds)[number];

export const driftFindingSchema = z.object({ kind: z.enum(driftKinds), message: z.string() });
export type DriftFinding = z.infer<typeof driftFindingSchema>;

/**
 * What reconcile did about one site (or one leftover with no site row):
 * reported: a dry run, nothing changed; queued: a repair operation was queued and not waited for (or did not end in
 * time); repaired: its repair operation succeeded; busy: another operation runs on the site (SITE_BUSY), try again
 * later; removed: leftovers removed; kept: a leftover site directory, kept because it holds data (an administrator
 * decides); failed: the repair failed (see message).
 */
export const reconcileOutcomes = ["reported", "queued", "repaired", "busy", "removed", "kept", "failed"] as const;
export type ReconcileOutcome = (typeof reconcileOutcomes)[number];

export const reconcileItemSchema = z.object({
  /**
   * the site's name; for a leftover with no site row, `#<id>` or the route file's site name (a leftover database of a
   * site that still exists, with no database on that host, is named by its site)
   */
  site: z.string(),
  siteId: z.number().nullable(),
  /** true when no site row exists for it (a leftover of a deleted site) */
  isOrphan: z.boolean(),
  drift: z.array(driftFindingSchema),
  outcome: z.enum(reconcileOutcomes),
  /** the repair operation, when one was queued */
  operationId: z.number().nullable(),
  /** what was done, in words */
  message: z.string(),
});
export type ReconcileItem = z.infer<typeof reconcileItemSchema>;

/** POST /api/admin/reconcile (administrators) and `director reconcile --json`. Only sites with drift are listed. */
export const reconcileReportSchema = z.object({
  installationId: z.string(),
  isDryRun: z.boolean(),
  /** how many sites of the database were compared */
  checkedSites: z.number(),
  /** limits of the check, e.g. services not checked because the orchestrator has no Docker engine */
  notes: z.array(z.string()),
  items: z.array(reconcileItemSchema),
  /** no drift at all */
  isInSync: z.boolean(),
  /** nothing is left unrepaired (kept leftover directories do not count: they are left to an administrator on purpose) */
  isRepaired: z.boolean(),
});
export type ReconcileReport = z.infer<typeof reconcileReportSchema>;

/** The body of POST /api/admin/reconcile; `?wait=true` answers once the repair operations have ended. */
export const reconcileRequestSchema = z
  .object({
    /** check only this site (no leftovers are looked for) */
    site: text().max(64).optional(),
    isDryRun: z.boolean().default(false),
  })
  .strict();
