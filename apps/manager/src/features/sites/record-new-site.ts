import type { AuditRepository } from "@director/db/audit.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { Operation } from "@director/domain/operation";
import type { SitePurpose, SiteRecord, SiteType } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import { type CreateSiteInput, createSiteSteps } from "../operations/operation-plans.js";

/** Repositories bound to one open transaction. */
export interface NewSiteRepositories {
  sites: Pick<SitesRepository, "create">;
  operations: Pick<OperationsRepository, "create">;
  audit: Pick<AuditRepository, "record">;
}

/**
 * Writes a new site, its members and its create_site operation with the repositories of the caller's transaction,
 * so that whatever asked for the site (a person, an approved request) commits or fails with it. The caller wakes a
 * worker after the commit. SITE_NAME_TAKEN when the name is in use.
 */
export async function recordNewSite(
  repos: NewSiteRepositories,
  input: {
    name: SiteName;
    type: SiteType;
    purpose: SitePurpose;
    description: string;
    memberIds: readonly number[];
    createdBy: number;
    /** extra audit details, e.g. the request the site was approved from */
    auditDetails?: Record<string, unknown>;
    /** a course's site: its template and image (the operation lists the steps they need) */
    operationInput?: CreateSiteInput;
  },
): Promise<{ site: SiteRecord; operation: Operation }> {
  const site = await repos.sites.create({
    name: input.name,
    type: input.type,
    purpose: input.purpose,
    description: input.description,
    memberIds: input.memberIds,
  });
  const operation = await repos.operations.create({
    siteId: site.id,
    siteName: site.name,
    kind: "create_site",
    createdBy: input.createdBy,
    steps: createSiteSteps(input.operationInput),
    ...(input.operationInput === undefined ? {} : { input: { ...input.operationInput } }),
  });
  await repos.audit.record({
    actorUserId: input.createdBy,
    action: "site.create",
    target: `site:${site.name}`,
    details: { purpose: site.purpose, ...input.auditDetails },
  });
  return { site, operation };
}
