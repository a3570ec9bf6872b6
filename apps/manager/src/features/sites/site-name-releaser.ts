/**
 * Frees renamed sites' former names once their grace period is over (the worker role): for each site holding an
 * expired one it queues a `release_site_names` operation, which takes the redirect and the route off the machines and
 * only then deletes the name's row. A site busy with another operation is found again on the next pass; what is due
 * is in the rows, so a restart loses nothing and several workers share the work (the operation lock keeps one each).
 */
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteFormerNamesRepository } from "@director/db/site-former-names.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { Logger } from "pino";
import { PollingLoop } from "../../adapters/polling-loop.js";
import { InProcessWakeup, type Wakeup } from "../../adapters/wakeup.js";
import { operationPlans } from "../operations/operation-plans.js";

export interface SiteNameReleaserDeps {
  formerNames: Pick<SiteFormerNamesRepository, "sitesWithExpiredNames">;
  sites: Pick<SitesRepository, "findById">;
  inTransaction<T>(work: (repos: { operations: Pick<OperationsRepository, "queueOrJoin"> }) => Promise<T>): Promise<T>;
  /** wakes the operations worker */
  workerWakeup: Wakeup;
  log: Pick<Logger, "warn">;
  options: { intervalMs: number; batchSize: number };
}

export const defaultSiteNameReleaserOptions = { intervalMs: 10 * 60_000, batchSize: 50 };

export class SiteNameReleaser {
  readonly #deps: SiteNameReleaserDeps;
  readonly #loop: PollingLoop;

  constructor(deps: SiteNameReleaserDeps) {
    this.#deps = deps;
    this.#loop = new PollingLoop({
      pass: async () => {
        await this.run();
        return { hasMore: false };
      },
      wakeup: new InProcessWakeup(),
      intervalMs: deps.options.intervalMs,
      onError: (error) => deps.log.warn({ err: error }, "could not release renamed sites' expired names; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Queues the release of every due site it can (one batch); answers how many were queued. */
  async run(): Promise<{ queued: number }> {
    const siteIds = await this.#deps.formerNames.sitesWithExpiredNames(this.#deps.options.batchSize);
    let queued = 0;
    for (const siteId of siteIds) {
      const site = await this.#deps.sites.findById(siteId);
      if (site === null) continue;
      const operation = await this.#deps.inTransaction(({ operations }) =>
        operations.queueOrJoin(
          {
            siteId: site.id,
            siteName: site.name,
            kind: "release_site_names",
            createdBy: null,
            steps: operationPlans.release_site_names.map(({ slug, name }) => ({ slug, name })),
          },
          (pendingInput) => pendingInput ?? {},
        ),
      );
      if (operation !== null) queued += 1;
    }
    if (queued > 0) this.#deps.workerWakeup.notify();
    return { queued };
  }
}
