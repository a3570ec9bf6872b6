import { setTimeout as sleep } from "node:timers/promises";
import type { Wakeup } from "./wakeup.js";

/** What a pass found: more may be waiting (a full batch: run again without pausing), or something is due soon. */
export interface PassOutcome {
  hasMore: boolean;
  /** a pass is due within this many ms (work it put off for a moment); the pause is no longer than that */
  nextPassInMs?: number;
}

/**
 * A background loop that runs `pass` at once, then again on every wake-up or after `intervalMs` idle: the shape of
 * every worker that finds its work in the database (the rows are the truth; a wake-up only shortens the wait).
 */
export class PollingLoop {
  readonly #pass: () => Promise<PassOutcome>;
  readonly #wakeup: Wakeup;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #isRunning = false;
  #isWoken = false;
  #loop: Promise<void> | undefined;
  #interrupt = new AbortController();

  constructor(deps: {
    pass: () => Promise<PassOutcome>;
    wakeup: Wakeup;
    intervalMs: number;
    onError: (error: unknown) => void;
  }) {
    this.#pass = deps.pass;
    this.#wakeup = deps.wakeup;
    this.#intervalMs = deps.intervalMs;
    this.#onError = deps.onError;
  }

  get isRunning(): boolean {
    return this.#isRunning;
  }

  start(): void {
    if (this.#isRunning) return;
    this.#isRunning = true;
    this.#loop = this.#run();
  }

  /** Lets the current pass finish and stops. */
  async stop(): Promise<void> {
    this.#isRunning = false;
    this.#interrupt.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const unsubscribe = this.#wakeup.subscribe(() => {
      this.#isWoken = true;
      this.#interrupt.abort();
    });
    try {
      while (this.#isRunning) {
        this.#isWoken = false;
        let outcome: PassOutcome = { hasMore: false };
        try {
          outcome = await this.#pass();
        } catch (error) {
          this.#onError(error);
        }
        if (!outcome.hasMore && !this.#isWoken) {
          await this.#pause(Math.max(0, Math.min(this.#intervalMs, outcome.nextPassInMs ?? this.#intervalMs)));
        }
      }
    } finally {
      unsubscribe();
    }
  }

  async #pause(ms: number): Promise<void> {
    if (this.#interrupt.signal.aborted) this.#interrupt = new AbortController();
    if (!this.#isRunning) return;
    try {
      // unref'd: an idle loop never holds the process open
      await sleep(ms, undefined, { signal: this.#interrupt.signal, ref: false });
    } catch {
      // aborted by a wake-up or stop(): back to the loop, which checks #isRunning
    }
  }
}
