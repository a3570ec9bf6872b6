import { type UsageWindow, usageWindows } from "@director/contracts/manager-routes-usage";
import type { SiteTrafficRepository, TrafficPoint } from "@director/db/site-traffic.repository";
import type { Actor } from "@director/domain/actor";
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
}

export interface SiteUsageServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  traffic: Pick<SiteTrafficRepository, "series">;
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
    const period = periodMs[resolution];
    const now = (this.#deps.now ?? (() => new Date()))().getTime();
    // up to the end of the current period, so the newest (still filling) period is in it
    const to = new Date(Math.floor(now / period) * period + period);
    const from = new Date(to.getTime() - windowMs[window]);
    const traffic = await this.#deps.traffic.series(site.id, resolution, { from, to });
    return { site, window, periodMs: period, from, to, traffic };
  }
}
