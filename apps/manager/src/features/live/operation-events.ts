import { EventEmitter } from "node:events";

/**
 * Tells the live channel that an operation changed (a step started or ended, the operation finished). Only the id
 * travels: whoever listens reads the operation fresh from the database, which stays the one source of truth, so a
 * lost event costs a late update, never a wrong one.
 */
export interface OperationEvents {
  publish(operationId: number): void;
  /** Calls `listener` with every published id; returns a function that stops listening. */
  subscribe(listener: (operationId: number) => void): () => void;
}

/**
 * The in-process transport, for a manager that runs its own worker (`director up`). Managers and workers in separate
 * processes share events through Redis (adapters/redis-operation-events.ts) when DIRECTOR_REDIS_URL is set.
 */
export class InProcessOperationEvents implements OperationEvents {
  readonly #events = new EventEmitter().setMaxListeners(0);

  publish(operationId: number): void {
    this.#events.emit("changed", operationId);
  }

  subscribe(listener: (operationId: number) => void): () => void {
    this.#events.on("changed", listener);
    return () => this.#events.off("changed", listener);
  }
}
