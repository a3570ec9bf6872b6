/**
 * Measures how full every site's volume is (the worker role), every `intervalMs`: one call to the orchestrator, which
 * asks the kernel once per site (statfs, no walk of the files), and one upsert per thousand sites. Only the last
 * measure is kept: what a site holds changes slowly, and its quota is what matters to it.
 */
import type { PlatformUsageQuery } from "@director/db/platform-usage.query";
import type { SiteDiskRepository } from "@director/db/site-disk.repository";
import type { SiteId } from "@director/domain/site";
import type { Logger } from "pino";
import { PollingLoop } from "../../adapters/polling-loop.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import type { SiteDisks } from "./site-disks.js";

/** Hours of disk use are kept as long as hours of traffic. */
const hoursKeptMs = 90 * 24 * 3600_000;

export interface DiskCollectorDeps {
  disks: Pick<SiteDisks, "measure">;
  repository: Pick<SiteDiskRepository, "record" | "prune">;
  platform: Pick<PlatformUsageQuery, "recordSpace">;
  logger: Pick<Logger, "warn">;
  intervalMs: number;
}

export class DiskCollector {
  readonly #deps: DiskCollectorDeps;
  readonly #loop: PollingLoop;
  #prunedAt = 0;

  constructor(deps: DiskCollectorDeps) {
    this.#deps = deps;
    this.#loop = new PollingLoop({
      pass: async () => {
        await this.collect();
        await this.#pruneWhenDue();
        return { hasMore: false };
      },
      wakeup: new InProcessWakeup(),
      intervalMs: deps.intervalMs,
      onError: (error) => deps.logger.warn({ err: error }, "could not measure sites' disks; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #pruneWhenDue(): Promise<void> {
    const now = Date.now();
    if (now - this.#prunedAt < 3600_000) return;
    this.#prunedAt = now;
    await this.#deps.repository.prune(new Date(now - hoursKeptMs));
  }

  /** One measure of every site's volume; how many sites were measured (none: no volumes). */
  async collect(): Promise<{ sites: number; isEnforced: boolean }> {
    const { measuredAt, isEnforced, sites, space } = await this.#deps.disks.measure();
    await this.#deps.repository.record(
      sites.map(({ siteId, ...figures }) => ({ siteId: siteId as SiteId, ...figures })),
      new Date(measuredAt),
    );
    if (space !== null) await this.#deps.platform.recordSpace(space, new Date(measuredAt));
    return { sites: sites.length, isEnforced };
  }
}
