import type { OperationView, SiteView } from "@director/contracts/manager-api";
import type { Operation } from "@director/domain/operation";
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

export function presentOperation(operation: Operation): OperationView {
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

export function presentSite(
  site: SiteRecord,
  extra: {
    urlTemplate: string;
    urlTemplatesByPurpose?: SiteUrlTemplatesByPurpose;
    members: string[];
    operation: Operation | null;
    imageName: string | null;
  },
): SiteView {
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
    operation: extra.operation ? presentOperation(extra.operation) : null,
    image: extra.imageName,
    packages: site.extraPackages,
    limits: { cpus: site.cpus, memoryMib: site.memoryMib, clientBodyLimitBytes: site.clientBodyLimitBytes },
    adminComment: site.adminComment,
    revision: site.revision,
  };
}
