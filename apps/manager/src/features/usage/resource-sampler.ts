import type { SiteResourceSample } from "@director/contracts/orchestrator-usage";

/** What running site containers use now (the orchestrator's `readResources` route). */
export interface ResourceSampler {
  sample(): Promise<{ sampledAt: string; samples: SiteResourceSample[] }>;
}
