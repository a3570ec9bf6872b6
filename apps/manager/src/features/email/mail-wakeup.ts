import { EventEmitter } from "node:events";

/**
 * Wakes the mail dispatcher when a message is enqueued, as OperationWakeup does for operations. The outbox row is the
 * durable record; this only shortens the wait (the dispatcher also polls, which is all a dispatcher in another
 * process gets), so a lost wake-up delays mail but never loses it.
 */
export interface MailWakeup {
  notify(): void;
  /** Calls `listener` on every notify; returns a function that stops listening. */
  subscribe(listener: () => void): () => void;
}

/** The in-process transport: the API and the dispatcher share the process (`director up`). */
export class InProcessMailWakeup implements MailWakeup {
  readonly #events = new EventEmitter();

  notify(): void {
    this.#events.emit("wake");
  }

  subscribe(listener: () => void): () => void {
    this.#events.on("wake", listener);
    return () => this.#events.off("wake", listener);
  }
}
