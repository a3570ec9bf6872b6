/**
 * Follows the engine's container events and reports, per site, the address of the site's running task, so that the
 * balancer can re-render only that site's file (DESIGN rule 6: a change to one site costs O(1)).
 */
import type { Readable } from "node:stream";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type { Logger } from "@director/host/logger";
import { LineSplitter, parseSiteContainerEvent } from "./site-container-events.js";

/** The engine's stream of site container events (start, die), as JSON lines. */
export interface SiteContainerEventSource {
  /** Opens a new subscription; the stream ends or errors when the engine goes away. */
  open(): Promise<Readable>;
}

/** Where the sites' running tasks are on the site network. */
export interface SiteTaskAddresses {
  /** The address of the site's running task, or null when none runs. */
  addressOf(siteId: SiteId): Promise<string | null>;
  /** The address of every site that has a running task. */
  runningAddresses(): Promise<Map<SiteId, string>>;
}

/** Told the site's new address (null: no running task); a rejection is logged and retried on the next event or resync. */
export type TaskAddressChangeHandler = (siteId: SiteId, address: string | null) => Promise<void> | void;

/** Timing of the watcher; the defaults suit production. */
export interface TaskAddressWatcherTiming {
  /** Events of one site closer together than this make one update (a restart is a die then a start). */
  debounceMs: number;
  /** The first wait before reconnecting to the engine; doubled after each short-lived connection. */
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
  /** A connection that lasted this long was healthy: the next reconnect waits the initial delay again. */
  stableConnectionMs: number;
}

const defaultTiming: TaskAddressWatcherTiming = {
  debounceMs: 100,
  reconnectInitialDelayMs: 250,
  reconnectMaxDelayMs: 10_000,
  stableConnectionMs: 10_000,
};

/**
 * Calls `onChange(siteId, address)` when a site's running task address differs from the one last reported, one call
 * at a time per site. On every (re)connection it resyncs all sites, since events may have been missed meanwhile;
 * the first resync reports every site that has a running task.
 */
export class TaskAddressWatcher {
  readonly #installationId: InstallationId;
  readonly #events: SiteContainerEventSource;
  readonly #addresses: SiteTaskAddresses;
  readonly #onChange: TaskAddressChangeHandler;
  readonly #log: Logger;
  readonly #timing: TaskAddressWatcherTiming;
  readonly #reported = new Map<SiteId, string | null>();
  readonly #debounceTimers = new Map<SiteId, NodeJS.Timeout>();
  /** Each site's queue of refreshes, so that two never run at once and the last one read wins. */
  readonly #queues = new Map<SiteId, Promise<void>>();
  /** The sequence number of each site's newest event; a resync started before it must not overwrite its result. */
  readonly #lastEventSeq = new Map<SiteId, number>();
  #eventSeq = 0;
  #isRunning = false;
  #loop: Promise<void> | null = null;
  #stream: Readable | null = null;
  #wakeUp: (() => void) | null = null;

  constructor(deps: {
    /** only this installation's containers are followed */
    installationId: InstallationId;
    events: SiteContainerEventSource;
    addresses: SiteTaskAddresses;
    onChange: TaskAddressChangeHandler;
    log: Logger;
    timing?: Partial<TaskAddressWatcherTiming>;
  }) {
    this.#installationId = deps.installationId;
    this.#events = deps.events;
    this.#addresses = deps.addresses;
    this.#onChange = deps.onChange;
    this.#log = deps.log;
    this.#timing = { ...defaultTiming, ...deps.timing };
  }

  /** Subscribes to the engine's events and resyncs; returns at once (the first resync runs in the background). */
  start(): void {
    if (this.#isRunning) return;
    this.#isRunning = true;
    this.#loop = this.#followEvents();
  }

  /** Unsubscribes, drops pending updates and resolves once no callback runs any more. */
  async stop(): Promise<void> {
    this.#isRunning = false;
    this.#stream?.destroy();
    this.#wakeUp?.();
    for (const timer of this.#debounceTimers.values()) clearTimeout(timer);
    this.#debounceTimers.clear();
    await this.#loop;
    this.#loop = null;
    await Promise.all(this.#queues.values());
  }

  async #followEvents(): Promise<void> {
    let delayMs = this.#timing.reconnectInitialDelayMs;
    while (this.#isRunning) {
      const connectedAt = Date.now();
      try {
        const stream = await this.#events.open();
        this.#stream = stream;
        if (!this.#isRunning) return; // stopped while connecting; `finally` closes the stream
        // Subscribe before listing: a change during the resync arrives as an event instead of being lost.
        const ended = this.#consume(stream);
        await this.#resync();
        await ended;
      } catch (error) {
        this.#log.warn({ err: error }, "following the engine's container events failed");
      } finally {
        this.#stream?.destroy();
        this.#stream = null;
      }
      if (!this.#isRunning) return;
      const wasStable = Date.now() - connectedAt >= this.#timing.stableConnectionMs;
      if (wasStable) delayMs = this.#timing.reconnectInitialDelayMs;
      this.#log.warn({ delayMs }, "the engine's event stream ended; reconnecting");
      await this.#sleep(delayMs);
      delayMs = Math.min(delayMs * 2, this.#timing.reconnectMaxDelayMs);
    }
  }

  /** Handles the stream's events; resolves when it ends, closes or fails. */
  #consume(stream: Readable): Promise<void> {
    const lines = new LineSplitter();
    stream.on("data", (chunk: Buffer | string) => {
      for (const line of lines.push(chunk.toString())) {
        const event = parseSiteContainerEvent(line, this.#installationId);
        if (event === null) {
          this.#log.warn({ line: line.slice(0, 200) }, "ignoring an engine event that is not a site container event");
          continue;
        }
        this.#lastEventSeq.set(event.siteId, ++this.#eventSeq);
        this.#debounce(event.siteId);
      }
    });
    return new Promise((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
      // `on`, not `once`: a destroyed stream may emit a second error, which must not go unhandled.
      stream.on("error", (error) => {
        this.#log.warn({ err: error }, "the engine's event stream failed");
        resolve();
      });
    });
  }

  #debounce(siteId: SiteId): void {
    clearTimeout(this.#debounceTimers.get(siteId));
    const timer = setTimeout(() => {
      this.#debounceTimers.delete(siteId);
      this.#enqueue(siteId, async () => this.#report(siteId, await this.#addresses.addressOf(siteId)));
    }, this.#timing.debounceMs);
    this.#debounceTimers.set(siteId, timer);
  }

  async #resync(): Promise<void> {
    const seqBefore = this.#eventSeq;
    const running = await this.#addresses.runningAddresses();
    for (const siteId of new Set([...this.#reported.keys(), ...running.keys()])) {
      this.#enqueue(siteId, async () => {
        // An event came after the listing: its own refresh reads a newer address than the listing's.
        if ((this.#lastEventSeq.get(siteId) ?? 0) > seqBefore) return;
        await this.#report(siteId, running.get(siteId) ?? null);
      });
    }
  }

  #enqueue(siteId: SiteId, refresh: () => Promise<void>): void {
    const queued = (this.#queues.get(siteId) ?? Promise.resolve())
      .then(() => (this.#isRunning ? refresh() : undefined))
      .catch((error: unknown) => {
        // Not recorded as reported, so the next event or resync tries again.
        this.#log.error({ err: error, siteId }, "updating a site's task address failed");
      })
      .finally(() => {
        if (this.#queues.get(siteId) === queued) this.#queues.delete(siteId);
      });
    this.#queues.set(siteId, queued);
  }

  async #report(siteId: SiteId, address: string | null): Promise<void> {
    if (this.#reported.has(siteId) && this.#reported.get(siteId) === address) return;
    await this.#onChange(siteId, address);
    this.#reported.set(siteId, address);
  }

  #sleep(delayMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.#wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.#wakeUp = null;
    });
  }
}
