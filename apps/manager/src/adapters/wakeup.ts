import { EventEmitter } from "node:events";

/**
 * Wakes a loop that also polls (the operations worker, the mail dispatcher) when there is new work. The database
 * row is the durable record; this only shortens the wait, so a lost wake-up delays work but never loses it.
 */
export interface Wakeup {
  notify(): void;
  /** Calls `listener` on every notify; returns a function that stops listening. */
  subscribe(listener: () => void): () => void;
}

/**
 * The in-process transport, when the one who queues and the loop share a process (`director up`). A loop in another
 * process finds the work by polling (RabbitMQ is the production topology's transport).
 */
export class InProcessWakeup implements Wakeup {
  readonly #events = new EventEmitter();

  notify(): void {
    this.#events.emit("wake");
  }

  subscribe(listener: () => void): () => void {
    this.#events.on("wake", listener);
    return () => this.#events.off("wake", listener);
  }
}
