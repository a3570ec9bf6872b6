import type { OperationView } from "@director/contracts/manager-api";
import type { LiveServerMessage } from "@director/contracts/manager-live";
import type { SiteServiceStatus } from "@director/contracts/orchestrator-services";
import type { Operation } from "@director/domain/operation";
import type { SiteId } from "@director/domain/site";
import type { Logger } from "pino";
import { presentOperation } from "../sites/sites.presenter.js";
import type { OperationEvents } from "./operation-events.js";

/** One open page's interest in one site: where the hub sends what it learns. */
export type LiveSink = (message: LiveServerMessage) => void;

export interface LiveHubDeps {
  events: OperationEvents;
  operations: {
    findById(id: number): Promise<Operation | null>;
    findLatestForSite(siteId: SiteId): Promise<Operation | null>;
  };
  /** the site as it is now (its type decides whether it has a process); null once deleted */
  sites: { findById(id: SiteId): Promise<{ type: "static" | "dynamic"; revision: number } | null> };
  process: { serviceStatus(siteId: SiteId): Promise<SiteServiceStatus> };
  /** the site's traffic counts (features/usage): absent, no usage messages */
  usage?: { latestMark(siteId: SiteId): Promise<string | null> };
  log: Logger;
  /** how often each watched site's operation is read again (once per site, however many pages watch it) */
  pollMs?: number;
  /**
   * how often its process is asked about when nothing happened: each ask is Docker API calls on the orchestrator,
   * and a page of 50 sites must not turn into 25 of them a second. An operation's change asks at once.
   */
  processPollMs?: number;
  /** how often its traffic counts are looked at (the collector adds to them every 10 s) */
  usagePollMs?: number;
  now?: () => number;
}

const defaultPollMs = 2000;
const defaultProcessPollMs = 10_000;
const defaultUsagePollMs = 5000;
const staticStatus: SiteServiceStatus = {
  state: "absent",
  message: "A static site has no process: nginx serves its public/ files.",
};

interface WatchedSite {
  name: string;
  sinks: Set<LiveSink>;
  /** the last of each sent, kept to send only changes and to greet a new sink at once */
  revision: number | null;
  operation: OperationView | null;
  process: SiteServiceStatus | null;
  /** when its process was last asked about (ms), 0 for never */
  processReadAt: number;
  /** its traffic's mark when last looked at (undefined: not yet, so the first look only learns it) */
  usageMark: string | null | undefined;
  usageReadAt: number;
  /** the site's reads, chained: one after another */
  reads: Promise<void>;
  /** a read is waiting its turn: asking for another would read the same */
  isPollQueued: boolean;
}

/**
 * Fans out what changes on the sites that open pages show: their revision, their latest operation and their process
 * state.
 * Every watched site is read every `pollMs` (its latest operation, from the database) and its process every
 * `processPollMs` (from the orchestrator), once however many pages watch it, and only changes are sent. The worker's operation events make
 * a site be read at once; without them (a worker in another process) progress still arrives within `pollMs`. Who may watch
 * which site is decided before `watch` is called.
 */
export class LiveHub {
  readonly #deps: LiveHubDeps;
  readonly #sites = new Map<SiteId, WatchedSite>();
  #unsubscribe: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: LiveHubDeps) {
    this.#deps = deps;
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#deps.events.subscribe((id) => void this.#onOperationChanged(id));
    this.#timer = setInterval(() => {
      for (const [siteId, watched] of this.#sites) void this.#poll(siteId, watched, false);
    }, this.#deps.pollMs ?? defaultPollMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#sites.clear();
  }

  /** How many sites are followed now. */
  get watchedSiteCount(): number {
    return this.#sites.size;
  }

  /** Follows a site for one sink: its current operation and process state now, then each change. Returns the stop. */
  watch(site: { id: SiteId; name: string }, sink: LiveSink): () => void {
    let watched = this.#sites.get(site.id);
    if (watched) {
      watched.sinks.add(sink);
      if (watched.revision !== null) sink({ type: "site", site: watched.name, revision: watched.revision });
      if (watched.operation) sink({ type: "operation", site: watched.name, operation: watched.operation });
      if (watched.process) sink({ type: "process", site: watched.name, status: watched.process });
    } else {
      watched = {
        name: site.name,
        sinks: new Set([sink]),
        revision: null,
        operation: null,
        process: null,
        processReadAt: 0,
        usageMark: undefined,
        usageReadAt: 0,
        reads: Promise.resolve(),
        isPollQueued: false,
      };
      this.#sites.set(site.id, watched);
      void this.#poll(site.id, watched, true);
    }
    return () => {
      const current = this.#sites.get(site.id);
      if (!current) return;
      current.sinks.delete(sink);
      if (current.sinks.size === 0) this.#sites.delete(site.id);
    };
  }

  async #onOperationChanged(operationId: number): Promise<void> {
    try {
      const operation = await this.#deps.operations.findById(operationId);
      const watched = operation?.siteId == null ? undefined : this.#sites.get(operation.siteId);
      // The event only says "look": the site is read again in turn, which also catches the process a finished
      // operation changed (a restart, a new type).
      if (operation?.siteId != null && watched) await this.#poll(operation.siteId, watched, true);
    } catch (error) {
      this.#deps.log.warn({ err: error, operationId }, "live: could not read a changed operation");
    }
  }

  /**
   * Reads one site again and sends what changed. Reads of a site run one after another (two racing could send an
   * older state after a newer one), and at most one waits: it will see whatever the ones asked meanwhile would.
   */
  async #poll(siteId: SiteId, watched: WatchedSite, isProcessDue: boolean): Promise<void> {
    if (isProcessDue) watched.processReadAt = 0; // the read waiting (or this one) asks about the process too
    if (watched.isPollQueued) return;
    watched.isPollQueued = true;
    watched.reads = watched.reads.then(() => {
      watched.isPollQueued = false;
      return this.#read(siteId, watched);
    });
    await watched.reads;
  }

  async #read(siteId: SiteId, watched: WatchedSite): Promise<void> {
    const now = this.#deps.now?.() ?? Date.now();
    try {
      const site = await this.#deps.sites.findById(siteId);
      if (!site) {
        for (const sink of watched.sinks) sink({ type: "unavailable", site: watched.name });
        this.#sites.delete(siteId);
        return;
      }
      if (site.revision !== watched.revision) {
        watched.revision = site.revision;
        for (const sink of watched.sinks) sink({ type: "site", site: watched.name, revision: site.revision });
      }
      const operation = await this.#deps.operations.findLatestForSite(siteId);
      if (operation) this.#sendOperation(watched, operation);
      await this.#readUsage(siteId, watched, now);
      if (now - watched.processReadAt < (this.#deps.processPollMs ?? defaultProcessPollMs)) return;
      watched.processReadAt = now;
      const status = site.type === "static" ? staticStatus : await this.#deps.process.serviceStatus(siteId);
      // A process on its way up is worth the closer look: ask again at the next tick, not in ten seconds.
      if (status.state === "starting") watched.processReadAt = 0;
      if (JSON.stringify(status) !== JSON.stringify(watched.process)) {
        watched.process = status;
        for (const sink of watched.sinks) sink({ type: "process", site: watched.name, status });
      }
    } catch (error) {
      // The orchestrator may be restarting: the next tick tries again, and pages keep the last state they had.
      this.#deps.log.debug({ err: error, siteId }, "live: could not read a watched site");
    }
  }

  /** Tells the site's pages when its traffic was counted again (one indexed row read, at most every usagePollMs). */
  async #readUsage(siteId: SiteId, watched: WatchedSite, now: number): Promise<void> {
    const { usage } = this.#deps;
    if (usage === undefined || now - watched.usageReadAt < (this.#deps.usagePollMs ?? defaultUsagePollMs)) return;
    watched.usageReadAt = now;
    const mark = await usage.latestMark(siteId);
    const isNews = watched.usageMark !== undefined && mark !== null && mark !== watched.usageMark;
    watched.usageMark = mark;
    if (isNews) for (const sink of watched.sinks) sink({ type: "usage", site: watched.name, mark });
  }

  /** Sends an operation of the site if it is news: not older than the one sent last, and not the same. */
  #sendOperation(watched: WatchedSite, operation: Operation): void {
    const view = presentOperation(operation);
    const last = watched.operation;
    if (last && (view.id < last.id || JSON.stringify(view) === JSON.stringify(last))) return;
    watched.operation = view;
    for (const sink of watched.sinks) sink({ type: "operation", site: watched.name, operation: view });
  }
}
