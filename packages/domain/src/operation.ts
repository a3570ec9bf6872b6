/** Operations: durable multi-step changes to a site, and their steps. */
import type { SiteId } from "./site.js";
import type { SiteName } from "./site-name.js";

/** Status of an operation or of one of its steps. */
export const operationStatuses = ["pending", "running", "succeeded", "failed"] as const;
export type OperationStatus = (typeof operationStatuses)[number];

/** One step of an operation, in `position` order. */
export interface OperationStep {
  operationId: number;
  position: number;
  slug: string;
  name: string;
  status: OperationStatus;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  message: string;
}

/** A durable multi-step change to a site; `siteId` is null once the site is deleted, `siteName` stays. */
export interface Operation {
  id: number;
  siteId: SiteId | null;
  siteName: SiteName;
  kind: string;
  status: OperationStatus;
  createdBy: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  /** what the operation was asked to apply when the site row does not hold it yet; null for most kinds */
  input: Record<string, unknown> | null;
  steps: OperationStep[];
}

/** An operation without its steps: what a list of sites shows of each site's current one. */
export type OperationSummary = Omit<Operation, "steps">;
