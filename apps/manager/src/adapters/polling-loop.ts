import { setTimeout as sleep } from "node:timers/promises";
import type { Wakeup } from "./wakeup.js";

/**
 * A background loop that runs `pass` at once, then again on every wake-up or after `intervalMs` idle: the shape of
 * every worker that finds its work in the database (the rows are the truth; a wake-up only shortens the wait).
 * `pass` answers whether more may be waiting (a full batch): then it runs again without pausing.
 */
export class PollingLoop {
  readonly #pass: () => Promise<boolean>;
  readonly #wakeup: Wakeup;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #isRunning = false;
  #isWoken = false;
  #loop: Promise<void> | undefined;
  #interrupt = new AbortController();

  constructor(deps: {
    pass: () => Promise<boolean>;
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
        let hasMore = false;
        try {
          hasMore = await this.#pass();
        } catch (error) {
          this.#onError(error);
        }
        if (!hasMore && !this.#isWoken) await this.#pause();
      }
    } finally {
      unsubscribe();
    }
  }

  async #pause(): Promise<void> {
    if (this.#interrupt.signal.aborted) this.#interrupt = new AbortController();
    if (!this.#isRunning) return;
    try {
      // unref'd: an idle loop never holds the process open
      await sleep(this.#intervalMs, undefined, { signal: this.#interrupt.signal, ref: false });
    } catch {
      // aborted by a wake-up or stop(): back to the loop, which checks #isRunning
    }
  }
}
