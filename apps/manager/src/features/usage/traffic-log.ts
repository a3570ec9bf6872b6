import type { TrafficBucket, TrafficCursor } from "@director/contracts/orchestrator-usage";

/** The balancer's traffic log, read from a cursor (the orchestrator's `readTraffic` route). */
export interface TrafficLog {
  read(after: TrafficCursor | null): Promise<{ buckets: TrafficBucket[]; next: TrafficCursor; hasMore: boolean }>;
}
