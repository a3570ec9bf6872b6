import type { OperationSummaryView, OperationView, SiteListItemView, SiteView } from "@director/contracts/manager-api";
import type { Operation, OperationSummary } from "@director/domain/operation";
import type { Site, SitePurpose, SiteRecord } from "@director/domain/site";

/** A URL template per purpose (e.g. activity sites at `https://activities.school.edu/{name}/`); the rest use the default. */
export type SiteUrlTemplatesByPurpose = Partial<Record<SitePurpose, string>>;

/**
 * The public URL of a site from the configured template of its purpose, else the default one, e.g.
 * `http://{name}.sites.localhost:8081/`; `{name}` is replaced by the site's name.
 */
export function siteUrl(
  template: string,
  site: Pick<Site, "name"> & Partial<Pick<Site, "purpose">>,
  byPurpose: SiteUrlTemplatesByPurpose = {},
): string {
  const chosen = (site.purpose && byPurpose[site.purpose]) || template;
  return chosen.replaceAll("{name}", site.name);
}

export function presentOperationSummary(operation: OperationSummary): OperationSummaryView {
  return {
    id: operation.id,
    kind: operation.kind,
    siteId: operation.siteId,
    siteName: operation.siteName,
    status: operation.status,
    createdAt: operation.createdAt.toISOString(),
    startedAt: operation.startedAt?.toISOString() ?? null,
    finishedAt: operation.finishedAt?.toISOString() ?? null,
    error: operation.error,
  };
}

export function presentOperation(operation: Operation): OperationView {
  return {
    ...presentOperationSummary(operation),
    steps: operation.steps.map((step) => ({
      position: step.position,
      slug: step.slug,
      name: step.name,
      status: step.status,
      startedAt: step.startedAt?.toISOString() ?? null,
      finishedAt: step.finishedAt?.toISOString() ?? null,
      attempts: step.attempts,
      message: step.message,
    })),
  };
}

/** What a site's page and the site list both show of it, whatever they show of its operation. */
interface SiteDetails {
  urlTemplate: string;
  urlTemplatesByPurpose?: SiteUrlTemplatesByPurpose;
  members: string[];
  imageName: string | null;
}

function presentSiteFields(site: SiteRecord, extra: SiteDetails): Omit<SiteView, "operation"> {
  return {
    id: site.id,
    name: site.name,
    type: site.type,
    purpose: site.purpose,
    description: site.description,
    availability: site.availability,
    url: siteUrl(extra.urlTemplate, site, extra.urlTemplatesByPurpose),
    isReady: site.readyAt !== null,
    members: extra.members,
    createdAt: site.createdAt.toISOString(),
    image: extra.imageName,
    packages: site.extraPackages,
    limits: { cpus: site.cpus, memoryMib: site.memoryMib, clientBodyLimitBytes: site.clientBodyLimitBytes },
    adminComment: site.adminComment,
    revision: site.revision,
  };
}

/** A site with its current operation and that operation's steps (the site's page). */
export function presentSite(site: SiteRecord, extra: SiteDetails & { operation: Operation | null }): SiteView {
  return {
    ...presentSiteFields(site, extra),
    operation: extra.operation ? presentOperation(extra.operation) : null,
  };
}

/** A site as the site list shows it: its current operation without steps. */
export function presentSiteListItem(
  site: SiteRecord,
  extra: SiteDetails & { operation: OperationSummary | null },
): SiteListItemView {
  return {
    ...presentSiteFields(site, extra),
    operation: extra.operation ? presentOperationSummary(extra.operation) : null,
  };
}
