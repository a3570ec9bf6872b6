/**
 * The administrators' overview of the whole platform (issue 15): how many sites and running processes, how many
 * requests per second now and per period over a window, the sites' disks against the room left, and operations
 * waiting or failed. Every figure is one query over what the collectors already keep; nothing is asked of Docker or
 * nginx here.
 */
import { type PlatformOverviewView, type UsageWindow, usageWindows } from "@director/contracts/manager-routes-usage";
import type { PlatformUsageQuery } from "@director/db/platform-usage.query";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";

const windowMs: Record<UsageWindow, number> = { hour: 3600_000, day: 24 * 3600_000, week: 7 * 24 * 3600_000 };
const periodMs = { minute: 60_000, hour: 3600_000 } as const;

export class PlatformOverviewService {
  readonly #usage: PlatformUsageQuery;
  readonly #now: () => Date;

  constructor(usage: PlatformUsageQuery, now: () => Date = () => new Date()) {
    this.#usage = usage;
    this.#now = now;
  }

  async overview(actor: Actor, window: UsageWindow): Promise<PlatformOverviewView> {
    if (!actor.isSuperuser) throw new DirectorError("FORBIDDEN", "Only administrators see the whole platform.");
    const resolution = usageWindows[window];
    const period = periodMs[resolution];
    const now = this.#now().getTime();
    const to = new Date(Math.floor(now / period) * period + period);
    const from = new Date(to.getTime() - windowMs[window]);
    const lastMinute = Math.floor(now / 60_000) * 60_000 - 60_000;
    const [sites, processes, traffic, recent, disk, space, operations] = await Promise.all([
      this.#usage.sites(),
      this.#usage.runningProcesses(),
      this.#usage.traffic(resolution, { from, to }),
      this.#usage.traffic("minute", { from: new Date(lastMinute), to: new Date(lastMinute + 60_000) }),
      this.#usage.disk(),
      this.#usage.space(),
      this.#usage.operationsByStatus(),
    ]);
    return {
      window,
      periodSeconds: period / 1000,
      from: from.toISOString(),
      to: to.toISOString(),
      sites,
      runningProcesses: processes?.count ?? null,
      requestsPerSecond: Math.round(((recent[0]?.requests ?? 0) / 60) * 10) / 10,
      traffic: traffic.map((point) => ({
        at: point.at.toISOString(),
        requests: point.requests,
        status5xx: point.status5xx,
      })),
      disk: { ...disk, totalBytes: space?.totalBytes ?? null, freeBytes: space?.freeBytes ?? null },
      operations,
    };
  }
}
