/**
 * Counts each site's traffic (the worker role): reads the balancer's traffic log from the cursor kept in the database,
 * turns hosts into sites, and adds the counts in the transaction that saves the new cursor, so every request is
 * counted once, whoever reads and however often a read fails halfway. Two collectors (two worker processes) take
 * turns on the cursor's row lock. It also forgets minutes and hours past their keeping time.
 */
import { type TrafficCursor, trafficCursorSchema } from "@director/contracts/orchestrator-usage";
import type { SiteTrafficMinute, SiteTrafficRepository } from "@director/db/site-traffic.repository";
import type { Logger } from "pino";
import { PollingLoop } from "../../adapters/polling-loop.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import type { TrafficLog } from "./traffic-log.js";

/** The one traffic log of this installation's balancer. */
export const balancerTrafficSource = "balancer";

export interface TrafficCollectorOptions {
  /** how often the log is read (the graphs' delay, with nginx's 1 s buffer) */
  intervalMs: number;
  /** reads one pass makes at most before it lets the others run (a backlog after downtime takes several passes) */
  maxReadsPerPass: number;
  minutesKeptMs: number;
  hoursKeptMs: number;
  /** how often old rows are pruned */
  pruneEveryMs: number;
}

export const defaultTrafficCollectorOptions: TrafficCollectorOptions = {
  intervalMs: 10_000,
  maxReadsPerPass: 20,
  minutesKeptMs: 24 * 3600_000,
  hoursKeptMs: 90 * 24 * 3600_000,
  pruneEveryMs: 10 * 60_000,
};

type CollectorTraffic = Pick<SiteTrafficRepository, "lockCursor" | "saveCursor" | "add" | "siteIdsByHost">;

export interface TrafficCollectorDeps {
  log: TrafficLog;
  /** the read, the counts and the new cursor in one transaction */
  inTransaction<T>(work: (traffic: CollectorTraffic) => Promise<T>): Promise<T>;
  traffic: Pick<SiteTrafficRepository, "prune">;
  sitesDomain: string;
  /** told how many requests a pass counted (the live channel tells pages that show graphs) */
  onCounted?: (siteIds: ReadonlySet<number>) => void;
  logger: Pick<Logger, "info" | "warn" | "error">;
  options: TrafficCollectorOptions;
  now?: () => Date;
}

/** What a pass did. */
export interface TrafficPass {
  reads: number;
  /** requests counted for a site */
  requests: number;
  /** requests to hosts that are no site's (the manager's own, an unknown name) */
  unclaimedRequests: number;
  hasMore: boolean;
}

export class TrafficCollector {
  readonly #deps: TrafficCollectorDeps & { now: () => Date };
  readonly #loop: PollingLoop;
  #prunedAt = 0;

  constructor(deps: TrafficCollectorDeps) {
    this.#deps = { ...deps, now: deps.now ?? (() => new Date()) };
    this.#loop = new PollingLoop({
      pass: async () => {
        const pass = await this.collect();
        await this.#pruneWhenDue();
        return { hasMore: pass.hasMore };
      },
      wakeup: new InProcessWakeup(),
      intervalMs: deps.options.intervalMs,
      onError: (error) => deps.logger.warn({ err: error }, "could not read the balancer's traffic; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Reads the log until it has nothing more (or `maxReadsPerPass` reads), each read in its own transaction. */
  async collect(): Promise<TrafficPass> {
    const pass: TrafficPass = { reads: 0, requests: 0, unclaimedRequests: 0, hasMore: true };
    const counted = new Set<number>();
    while (pass.hasMore && pass.reads < this.#deps.options.maxReadsPerPass) {
      const read = await this.#deps.inTransaction(async (traffic) => {
        const after = parseCursor(await traffic.lockCursor(balancerTrafficSource));
        const answer = await this.#deps.log.read(after);
        const hosts = [...new Set(answer.buckets.map((bucket) => bucket.host))];
        const sites = await traffic.siteIdsByHost(hosts, this.#deps.sitesDomain);
        const minutes: SiteTrafficMinute[] = [];
        let unclaimed = 0;
        for (const bucket of answer.buckets) {
          const siteId = sites.get(bucket.host);
          if (siteId === undefined) {
            unclaimed += bucket.requests;
            continue;
          }
          const { host: _host, minute, ...counts } = bucket;
          minutes.push({ siteId, minute: new Date(minute), ...counts });
          counted.add(siteId);
        }
        await traffic.add(minutes);
        await traffic.saveCursor(balancerTrafficSource, answer.next);
        return { hasMore: answer.hasMore, minutes, unclaimed };
      });
      pass.reads += 1;
      pass.hasMore = read.hasMore;
      pass.requests += read.minutes.reduce((sum, minute) => sum + minute.requests, 0);
      pass.unclaimedRequests += read.unclaimed;
    }
    if (counted.size > 0) this.#deps.onCounted?.(counted);
    return pass;
  }

  async #pruneWhenDue(): Promise<void> {
    const now = this.#deps.now().getTime();
    if (now - this.#prunedAt < this.#deps.options.pruneEveryMs) return;
    this.#prunedAt = now;
    const { minutesKeptMs, hoursKeptMs } = this.#deps.options;
    await this.#deps.traffic.prune({
      minutesBefore: new Date(now - minutesKeptMs),
      hoursBefore: new Date(now - hoursKeptMs),
    });
  }
}

/** The saved cursor, or null when there is none or it is not one (the log is then read from its oldest line). */
function parseCursor(saved: Record<string, unknown> | null): TrafficCursor | null {
  const parsed = trafficCursorSchema.safeParse(saved);
  return parsed.success ? parsed.data : null;
}
