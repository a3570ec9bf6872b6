/**
 * Samples what each dynamic site's process uses (the worker role): CPU time and memory of its running container,
 * from the orchestrator, every `intervalMs`. The engine counts CPU time since a container started, so a site's CPU in
 * a period is the difference between two samples of the same container. The last samples are kept in the database
 * (`usage_cursors`, source "resources"), read and replaced under its row lock in the transaction that adds the
 * use: two workers take turns and never count one interval twice, and a restarted manager goes on from them.
 * The CPU time between two samples is put in the minute of the later one (samples 30 s apart: a minute's figure is
 * off by at most the part of one interval that fell in the minute before).
 */
import type { SiteResourcesRepository, SiteResourceUse } from "@director/db/site-resources.repository";
import type { SiteTrafficRepository } from "@director/db/site-traffic.repository";
import type { SiteId } from "@director/domain/site";
import type { Logger } from "pino";
import { z } from "zod";
import { PollingLoop } from "../../adapters/polling-loop.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import type { ResourceSampler } from "./resource-sampler.js";

/** The row of `usage_cursors` holding the last samples. */
export const resourceSamplesSource = "resources";

export interface ResourceCollectorOptions {
  intervalMs: number;
  minutesKeptMs: number;
  hoursKeptMs: number;
  pruneEveryMs: number;
}

export const defaultResourceCollectorOptions: ResourceCollectorOptions = {
  intervalMs: 30_000,
  minutesKeptMs: 24 * 3600_000,
  hoursKeptMs: 90 * 24 * 3600_000,
  pruneEveryMs: 10 * 60_000,
};

/**
 * The last samples: each container's CPU time (ns) then, and where the next read of process events starts (absent
 * in a cursor from before events were read: the first read then takes none, rather than an unknown stretch).
 */
const lastSamplesSchema = z.object({
  cpuUsageNs: z.record(z.string(), z.number()),
  eventsUntil: z.string().optional(),
});

type CollectorStore = {
  samples: Pick<SiteTrafficRepository, "lockCursor" | "saveCursor">;
  resources: Pick<SiteResourcesRepository, "add" | "addProcessEvents">;
};

export interface ResourceCollectorDeps {
  sampler: ResourceSampler;
  inTransaction<T>(work: (store: CollectorStore) => Promise<T>): Promise<T>;
  resources: Pick<SiteResourcesRepository, "prune">;
  logger: Pick<Logger, "warn">;
  options: ResourceCollectorOptions;
  now?: () => Date;
}

export class ResourceCollector {
  readonly #deps: ResourceCollectorDeps;
  readonly #loop: PollingLoop;
  #prunedAt = 0;

  constructor(deps: ResourceCollectorDeps) {
    this.#deps = deps;
    this.#loop = new PollingLoop({
      pass: async () => {
        await this.collect();
        await this.#pruneWhenDue();
        return { hasMore: false };
      },
      wakeup: new InProcessWakeup(),
      intervalMs: deps.options.intervalMs,
      onError: (error) => deps.logger.warn({ err: error }, "could not sample what sites' processes use; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One sample of every running site container, added as each site's use since the last one. */
  async collect(): Promise<{ sites: number }> {
    return this.#deps.inTransaction(async ({ samples, resources }) => {
      const saved = lastSamplesSchema.safeParse(await samples.lockCursor(resourceSamplesSource));
      const last = saved.success ? saved.data.cpuUsageNs : {};
      const eventsSince = saved.success ? saved.data.eventsUntil : undefined;
      const { sampledAt, samples: now, processEvents, eventsUntil } = await this.#deps.sampler.sample(eventsSince);
      await resources.addProcessEvents(
        processEvents.map((event) => ({ ...event, siteId: event.siteId as SiteId, at: new Date(event.at) })),
      );
      const at = new Date(sampledAt);
      const uses: SiteResourceUse[] = now.map((sample) => {
        const before = last[sample.containerId];
        // A container seen for the first time (new, or restarted) has no interval yet: its memory counts now.
        const cpuNs = before === undefined ? 0 : Math.max(0, sample.cpuUsageNs - before);
        return {
          siteId: sample.siteId as SiteId,
          at,
          cpuMs: Math.round(cpuNs / 1e6),
          memoryBytes: sample.memoryBytes,
          memoryLimitBytes: sample.memoryLimitBytes,
        };
      });
      await resources.add(uses);
      const cpuUsageNs = Object.fromEntries(now.map((sample) => [sample.containerId, sample.cpuUsageNs]));
      await samples.saveCursor(resourceSamplesSource, { cpuUsageNs, eventsUntil });
      return { sites: new Set(uses.map((use) => use.siteId)).size };
    });
  }

  async #pruneWhenDue(): Promise<void> {
    const now = (this.#deps.now?.() ?? new Date()).getTime();
    if (now - this.#prunedAt < this.#deps.options.pruneEveryMs) return;
    this.#prunedAt = now;
    const { minutesKeptMs, hoursKeptMs } = this.#deps.options;
    await this.#deps.resources.prune({
      minutesBefore: new Date(now - minutesKeptMs),
      hoursBefore: new Date(now - hoursKeptMs),
    });
  }
}
