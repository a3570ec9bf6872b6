import type { SiteProcessEvent, SiteResourceSample } from "@director/contracts/orchestrator-usage";

/** What running site containers use now, and which crashed since `eventsSince` (the orchestrator's `readResources`). */
export interface ResourceSampler {
  sample(eventsSince?: string): Promise<{
    sampledAt: string;
    samples: SiteResourceSample[];
    processEvents: SiteProcessEvent[];
    eventsUntil: string;
  }>;
}
