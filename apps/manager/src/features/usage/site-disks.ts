import type { SiteDiskUsageFigures } from "@director/contracts/orchestrator-usage";
import type { SiteId } from "@director/domain/site";

/** How full sites' volumes are, and a site's quota (the orchestrator's disk routes). */
export interface SiteDisks {
  measure(): Promise<{
    measuredAt: string;
    isEnforced: boolean;
    sites: Array<SiteDiskUsageFigures & { siteId: number }>;
    space: { totalBytes: number; freeBytes: number } | null;
  }>;
  /** null: back to the orchestrator's default */
  setQuota(siteId: SiteId, quotaBytes: number | null): Promise<SiteDiskUsageFigures>;
}
