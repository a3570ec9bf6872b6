import { EventEmitter } from "node:events";

/**
 * Wakes workers when an operation is queued. The database row is the durable record; this only shortens the
 * wait (a worker also polls), so a lost wake-up delays work but never loses it.
 */
export interface OperationWakeup {
  notify(): void;
  /** Calls `listener` on every notify; returns a function that stops listening. */
  subscribe(listener: () => void): () => void;
}

/** The in-process transport used when manager and worker share a process (`director up`). */
export class InProcessOperationWakeup implements OperationWakeup {
  readonly #events = new EventEmitter();

  notify(): void {
    this.#events.emit("wake");
  }

  subscribe(listener: () => void): () => void {
    this.#events.on("wake", listener);
    return () => this.#events.off("wake", listener);
  }
}
