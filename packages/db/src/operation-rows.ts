/** Mapping `operations` and `operation_steps` rows to Operation and OperationStep. */

import type { Operation, OperationStep } from "@director/domain/operation";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import type { Selectable } from "kysely";
import type { OperationStepsTable, OperationsTable } from "./schema.js";

/** Maps an `operation_steps` row to an OperationStep. */
export function toOperationStep(row: Selectable<OperationStepsTable>): OperationStep {
  return {
    operationId: row.operation_id,
    position: row.position,
    slug: row.slug,
    name: row.name,
    status: row.status,
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    message: row.message,
  };
}

/** Maps an `operations` row and its step rows (any order) to an Operation with steps by position. */
export function toOperation(row: Selectable<OperationsTable>, stepRows: Selectable<OperationStepsTable>[]): Operation {
  return {
    id: row.id,
    siteId: row.site_id as SiteId | null,
    siteName: row.site_name as SiteName,
    kind: row.kind,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    input: row.input,
    steps: stepRows
      .filter((step) => step.operation_id === row.id)
      .sort((a, b) => a.position - b.position)
      .map(toOperationStep),
  };
}

/** What claiming an operation by its id found (OperationsRepository.claimById). */
export type OperationClaim =
  | { outcome: "claimed"; operation: Operation }
  | { outcome: "held"; leaseExpiresAt: Date }
  | { outcome: "finished" | "missing" };
