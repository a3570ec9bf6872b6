/**
 * Operation events over Redis pub/sub (DIRECTOR_REDIS_URL), so that a page open on any manager hears at once what a
 * worker or another manager changed. An event is heard in this process at once, and by the others through Redis; its
 * own messages coming back are skipped. Only ids travel (see OperationEvents): while Redis is out of reach, pages still
 * follow their operations, a poll later (the live channel reads watched sites every few seconds).
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { InProcessOperationEvents, type OperationEvents } from "../features/live/operation-events.js";
import { connectRedis } from "./redis-client.js";

export class RedisOperationEvents implements OperationEvents {
  readonly #local = new InProcessOperationEvents();
  /** a connection in subscriber mode can do nothing else: one to publish, one to listen */
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #sender = randomBytes(8).toString("hex");

  constructor(options: { url: string; keyPrefix: string; log: Pick<Logger, "warn" | "info"> }) {
    this.#channel = `${options.keyPrefix}operation-events`;
    this.#publisher = connectRedis(options.url, options.log);
    this.#subscriber = connectRedis(options.url, options.log);
    // subscribed again by ioredis after every reconnection
    this.#subscriber.subscribe(this.#channel).catch(() => {});
    this.#subscriber.on("message", (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      const [sender, id] = message.split(":");
      const operationId = Number(id);
      if (sender === this.#sender || !Number.isSafeInteger(operationId) || operationId <= 0) return;
      this.#local.publish(operationId);
    });
  }

  publish(operationId: number): void {
    this.#local.publish(operationId);
    // a lost message costs the other managers' pages a poll's wait, never a wrong view
    this.#publisher.publish(this.#channel, `${this.#sender}:${operationId}`).catch(() => {});
  }

  subscribe(listener: (operationId: number) => void): () => void {
    return this.#local.subscribe(listener);
  }

  /** Resolves once this process is subscribed (a test waits for it before publishing from elsewhere). */
  async ready(): Promise<void> {
    await this.#subscriber.subscribe(this.#channel);
  }

  async close(): Promise<void> {
    await Promise.all([this.#publisher, this.#subscriber].map((redis) => redis.quit().catch(() => redis.disconnect())));
  }
}
