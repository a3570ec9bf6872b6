/**
 * Follows every site's own domains in the background (the worker role): checks the DNS of a domain that waits for it,
 * queues the operation that asks for its certificate once DNS points here, and queues the renewal of a certificate
 * that nears its expiry. Which domain is due, and when next, is in its row (next_attempt_at), so any number of
 * workers share the work and a restart loses nothing.
 */
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteDomainsRepository } from "@director/db/site-domains.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import { isDirectorError } from "@director/domain/errors";
import type { SiteDomainRecord } from "@director/domain/site-domain";
import type { Logger } from "pino";
import type { DomainResolver } from "../../adapters/dns-domain-resolver.js";
import { PollingLoop } from "../../adapters/polling-loop.js";
import type { Wakeup } from "../../adapters/wakeup.js";
import { operationPlans } from "../operations/operation-plans.js";
import type { DomainAlerts } from "./domain-alerts.js";
import { decideDomainCheck } from "./domain-checks.js";
import { queueServing } from "./domain-serving.js";

export interface DomainCheckerOptions {
  /** how often an idle checker looks for due domains */
  pollIntervalMs: number;
  /** domains claimed at once */
  batchSize: number;
  /** how long a claimed domain is hidden from other checkers (longer than a check can take) */
  leaseMs: number;
  renewWithinDays: number;
}

export const defaultDomainCheckerOptions: Omit<DomainCheckerOptions, "renewWithinDays"> = {
  pollIntervalMs: 15_000,
  batchSize: 20,
  leaseMs: 5 * 60_000,
};

/** When the site is busy with another operation, its certificate is asked for this much later. */
const siteBusyRetryMs = 2_000;

export interface DomainCheckerDeps {
  domains: Pick<SiteDomainsRepository, "claimDue" | "recordProgress" | "earliestDue">;
  sites: Pick<SitesRepository, "findById">;
  operations: Pick<OperationsRepository, "create">;
  /** for a domain taken off while its site was busy: its operation queued and its row deleted together */
  inTransaction<T>(
    work: (repos: {
      domains: Pick<SiteDomainsRepository, "delete">;
      operations: Pick<OperationsRepository, "queueOrJoin">;
    }) => Promise<T>,
  ): Promise<T>;
  resolver: DomainResolver;
  /** told after each pass, to alert administrators of what needs a person */
  alerts?: Pick<DomainAlerts, "run">;
  /** wakes the operations worker */
  workerWakeup: Wakeup;
  /** wakes this checker */
  wakeup: Wakeup;
  log: Pick<Logger, "info" | "warn" | "error">;
  options: DomainCheckerOptions;
  /** the clock deciding what is due; tests move it instead of waiting */
  now?: () => Date;
}

export class DomainChecker {
  readonly #deps: DomainCheckerDeps & { now: () => Date };
  readonly #loop: PollingLoop;

  constructor(deps: DomainCheckerDeps) {
    this.#deps = { ...deps, now: deps.now ?? (() => new Date()) };
    this.#loop = new PollingLoop({
      pass: async () => {
        const checked = await this.checkDue();
        // The next due domain, whoever put it off (this pass, another worker, a member's retry): the pause ends then.
        const due = await this.#deps.domains.earliestDue();
        return {
          hasMore: checked >= deps.options.batchSize,
          ...(due === null ? {} : { nextPassInMs: due.getTime() - this.#deps.now().getTime() }),
        };
      },
      wakeup: deps.wakeup,
      intervalMs: deps.options.pollIntervalMs,
      onError: (error) => deps.log.error({ err: error }, "could not check custom domains; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One pass: claims the due domains and moves each on; returns how many it claimed. */
  async checkDue(): Promise<number> {
    const { domains, options } = this.#deps;
    const claimed = await domains.claimDue({
      now: this.#deps.now(),
      limit: options.batchSize,
      leaseMs: options.leaseMs,
    });
    for (const record of claimed) {
      try {
        await this.#check(record);
      } catch (error) {
        // The lease brings it back when it ends.
        this.#deps.log.error({ err: error, domain: record.domain }, "could not check a custom domain");
      }
    }
    // A failure recorded by a certificate operation is alerted at the next pass (at most a poll interval later).
    await this.#deps.alerts?.run(this.#deps.now());
    return claimed.length;
  }

  async #check(record: SiteDomainRecord): Promise<void> {
    if (record.status === "removing") return this.#finishRemoval(record);
    const { domains, resolver, options } = this.#deps;
    const dns = record.status === "active" ? null : await resolver.check(record.domain);
    const now = this.#deps.now();
    const action = decideDomainCheck(record, dns, { now, renewWithinDays: options.renewWithinDays });
    if (action.kind === "wait") {
      await domains.recordProgress(record.id, {
        status: action.status,
        statusMessage: action.statusMessage,
        failures: action.failures,
        nextAttemptAt: action.nextAttemptAt,
      });
      return;
    }
    const queued = await this.#queueIssue(record);
    await domains.recordProgress(record.id, {
      // A renewal keeps the domain active: its current certificate serves until the new one is in place.
      status: action.isRenewal ? "active" : "issuing",
      statusMessage: action.isRenewal ? record.statusMessage : action.statusMessage,
      failures: record.failures,
      // Queued: the operation records what comes of it. Not queued (the site is busy): try again shortly.
      nextAttemptAt: queued ? null : new Date(now.getTime() + siteBusyRetryMs),
    });
    if (queued) this.#deps.workerWakeup.notify();
  }

  /** Queues the operation that stops serving a domain taken off while its site was busy, or tries again shortly. */
  async #finishRemoval(record: SiteDomainRecord): Promise<void> {
    const site = await this.#deps.sites.findById(record.siteId);
    const queued = await this.#deps.inTransaction(async ({ domains, operations }) => {
      if (site === null) return null; // the site is being deleted: its rows go with it
      const operation = await queueServing(operations, null, site, { removed: record.domain });
      if (operation !== null) await domains.delete(record.id);
      return operation;
    });
    if (queued !== null) {
      this.#deps.workerWakeup.notify();
      return;
    }
    await this.#deps.domains.recordProgress(record.id, {
      status: "removing",
      statusMessage: record.statusMessage,
      failures: record.failures,
      nextAttemptAt: new Date(this.#deps.now().getTime() + siteBusyRetryMs),
    });
  }

  /** Queues the certificate operation; false when the site has another operation running (SITE_BUSY). */
  async #queueIssue(record: SiteDomainRecord): Promise<boolean> {
    const site = await this.#deps.sites.findById(record.siteId);
    if (site === null) return false;
    try {
      await this.#deps.operations.create({
        siteId: site.id,
        siteName: site.name,
        kind: "issue_certificate",
        createdBy: null,
        steps: operationPlans.issue_certificate.map(({ slug, name }) => ({ slug, name })),
        input: { domain: record.domain },
      });
      return true;
    } catch (error) {
      if (isDirectorError(error) && error.code === "SITE_BUSY") return false;
      throw error;
    }
  }
}
