/**
 * Administrators' side of sites' disks: a site's own quota, applied on its volume at once, and the sites fullest
 * against theirs. (Members read their site's disk with its usage: site-usage.service.ts.)
 */
import type { AuditRepository } from "@director/db/audit.repository";
import type { FullSite, SiteDiskMeasure, SiteDiskRepository } from "@director/db/site-disk.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { SitesService } from "../sites/sites.service.js";
import type { SiteDisks } from "./site-disks.js";

export interface SiteDiskServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  disk: Pick<SiteDiskRepository, "setOwnQuota" | "record" | "fullest">;
  disks: Pick<SiteDisks, "setQuota">;
  audit: Pick<AuditRepository, "record">;
  now?: () => Date;
}

export class SiteDiskService {
  readonly #deps: SiteDiskServiceDeps;

  constructor(deps: SiteDiskServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Gives the site its own disk quota (null: back to the default), applied on its volume at once and measured again,
   * so the answer shows it. A quota below what the site holds is allowed: its writes stop until it deletes enough.
   * Nothing is saved when the orchestrator refuses (no volumes: SITE_VOLUMES_DISABLED).
   */
  async setQuota(
    actor: Actor,
    siteName: string,
    quotaBytes: number | null,
  ): Promise<{ measure: SiteDiskMeasure; ownQuotaBytes: number | null }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "administer");
    if (!actor.isSuperuser) throw new DirectorError("FORBIDDEN", "Only administrators set disk quotas.");
    const figures = await this.#deps.disks.setQuota(site.id, quotaBytes);
    const now = (this.#deps.now ?? (() => new Date()))();
    await this.#deps.disk.setOwnQuota(site.id, quotaBytes, now);
    await this.#deps.disk.record([{ siteId: site.id, ...figures }], now);
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "site.set_disk_quota",
      target: `site:${site.name}`,
      details: { quotaBytes },
    });
    return { measure: { siteId: site.id, ...figures, measuredAt: now }, ownQuotaBytes: quotaBytes };
  }

  /** The sites fullest against their quota, at least `minShare` full. */
  async fullest(actor: Actor, query: { minShare: number; limit: number }): Promise<FullSite[]> {
    if (!actor.isSuperuser) throw new DirectorError("FORBIDDEN", "Only administrators see every site's disk.");
    return this.#deps.disk.fullest(query);
  }
}
