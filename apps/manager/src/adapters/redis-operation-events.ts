/**
 * Operation events shared through a Redis bus (DIRECTOR_REDIS_URL), so that a page open on any manager hears at once
 * what a worker or another manager changed. An event is heard in this process at once, and by the others through the
 * bus. Only ids travel (see OperationEvents): while Redis is out of reach, pages still follow their operations, a poll
 * later (the live channel reads watched sites every few seconds).
 */
import { InProcessOperationEvents, type OperationEvents } from "../features/live/operation-events.js";
import type { BusChannel } from "./redis-bus.js";

export class RedisOperationEvents implements OperationEvents {
  readonly #local = new InProcessOperationEvents();
  readonly #channel: BusChannel;

  constructor(channel: BusChannel) {
    this.#channel = channel;
    channel.subscribe((message) => {
      const operationId = Number(message);
      if (Number.isSafeInteger(operationId) && operationId > 0) this.#local.publish(operationId);
    });
  }

  publish(operationId: number): void {
    this.#local.publish(operationId);
    this.#channel.publish(String(operationId));
  }

  subscribe(listener: (operationId: number) => void): () => void {
    return this.#local.subscribe(listener);
  }
}
