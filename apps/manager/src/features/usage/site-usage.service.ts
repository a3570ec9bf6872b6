import {
  type ProcessOrder,
  type UsageOrder,
  type UsageWindow,
  usageWindows,
} from "@director/contracts/manager-routes-usage";
import type { SiteDiskHour, SiteDiskMeasure, SiteDiskRepository } from "@director/db/site-disk.repository";
import type { BusyProcess, ResourcePoint, SiteResourcesRepository } from "@director/db/site-resources.repository";
import type {
  BusySite,
  SiteTrafficRepository,
  TrafficPoint,
  TrafficResolution,
} from "@director/db/site-traffic.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { SiteRecord } from "@director/domain/site";
import type { SitesService } from "../sites/sites.service.js";

const windowMs: Record<UsageWindow, number> = { hour: 3600_000, day: 24 * 3600_000, week: 7 * 24 * 3600_000 };
const periodMs = { minute: 60_000, hour: 3600_000 } as const;

/** A site's usage over a window: its periods with traffic, and the window's bounds in whole periods. */
export interface SiteUsage {
  site: SiteRecord;
  window: UsageWindow;
  periodMs: number;
  from: Date;
  to: Date;
  traffic: TrafficPoint[];
  resources: ResourcePoint[];
  disk: { measure: SiteDiskMeasure; ownQuotaBytes: number | null } | null;
  diskHours: SiteDiskHour[];
}

export interface SiteUsageServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  traffic: Pick<SiteTrafficRepository, "series" | "busiest">;
  resources: Pick<SiteResourcesRepository, "series" | "busiest">;
  disk: Pick<SiteDiskRepository, "measureOf" | "ownQuotaOf" | "hours">;
  now?: () => Date;
}

export class SiteUsageService {
  readonly #deps: SiteUsageServiceDeps;

  constructor(deps: SiteUsageServiceDeps) {
    this.#deps = deps;
  }

  /** Anyone who sees the site: its traffic over the last `window`, up to and with the current period. */
  async forSite(actor: Actor, siteName: string, window: UsageWindow): Promise<SiteUsage> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "view");
    const resolution = usageWindows[window];
    const { from, to } = this.#windowOf(window, resolution);
    const traffic = await this.#deps.traffic.series(site.id, resolution, { from, to });
    const resources = await this.#deps.resources.series(site.id, resolution, { from, to });
    // Hours whatever the window: a disk changes slowly, and only hours are kept.
    const fromHour = new Date(Math.floor(from.getTime() / 3600_000) * 3600_000);
    const diskHours = await this.#deps.disk.hours(site.id, { from: fromHour, to });
    return {
      site,
      window,
      periodMs: periodMs[resolution],
      from,
      to,
      traffic,
      resources,
      disk: await this.#diskOf(site),
      diskHours,
    };
  }

  async #diskOf(site: SiteRecord): Promise<SiteUsage["disk"]> {
    const measure = await this.#deps.disk.measureOf(site.id);
    return measure === null ? null : { measure, ownQuotaBytes: await this.#deps.disk.ownQuotaOf(site.id) };
  }

  /**
   * Administrators: the busiest sites over the last `window` by `by`, each with a sparkline of its requests (per
   * minute over an hour, per hour beyond: the hours table answers a day's window in 24 rows a site, not 1,440).
   */
  async top(
    actor: Actor,
    query: { window: UsageWindow; by: UsageOrder; limit: number },
  ): Promise<{ from: Date; to: Date; periodMs: number; sites: BusySite[] }> {
    if (!actor.isSuperuser) throw new DirectorError("FORBIDDEN", "Only administrators see every site's traffic.");
    const resolution: TrafficResolution = query.window === "hour" ? "minute" : "hour";
    const { from, to } = this.#windowOf(query.window, resolution);
    const sites = await this.#deps.traffic.busiest({ resolution, from, to, by: query.by, limit: query.limit });
    return { from, to, periodMs: periodMs[resolution], sites };
  }

  /** Administrators: the dynamic sites whose processes used the most CPU or memory over the last `window`. */
  async topProcesses(
    actor: Actor,
    query: { window: UsageWindow; by: ProcessOrder; limit: number },
  ): Promise<{ from: Date; to: Date; periodMs: number; sites: BusyProcess[] }> {
    if (!actor.isSuperuser) throw new DirectorError("FORBIDDEN", "Only administrators see every site's processes.");
    const resolution: TrafficResolution = query.window === "hour" ? "minute" : "hour";
    const { from, to } = this.#windowOf(query.window, resolution);
    const sites = await this.#deps.resources.busiest({ resolution, from, to, by: query.by, limit: query.limit });
    return { from, to, periodMs: periodMs[resolution], sites };
  }

  /** The window ending with the current period (still filling), in whole periods. */
  #windowOf(window: UsageWindow, resolution: TrafficResolution): { from: Date; to: Date } {
    const period = periodMs[resolution];
    const now = (this.#deps.now ?? (() => new Date()))().getTime();
    const to = new Date(Math.floor(now / period) * period + period);
    return { from: new Date(to.getTime() - windowMs[window]), to };
  }
}
