import type { SiteDiskUsageFigures, SiteResourceSample } from "@director/contracts/orchestrator-usage";
import type { SiteId } from "@director/domain/site";

/** What running site containers use now (the orchestrator's `readResources` route). */
export interface ResourceSampler {
  sample(): Promise<{ sampledAt: string; samples: SiteResourceSample[] }>;
}

/** How full sites' volumes are, and a site's quota (the orchestrator's disk routes). */
export interface SiteDisks {
  measure(): Promise<{
    measuredAt: string;
    isEnforced: boolean;
    sites: Array<SiteDiskUsageFigures & { siteId: number }>;
  }>;
  /** null: back to the orchestrator's default */
  setQuota(siteId: SiteId, quotaBytes: number | null): Promise<SiteDiskUsageFigures>;
}
