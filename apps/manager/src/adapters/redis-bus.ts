/**
 * Messages between managers and workers over Redis pub/sub (DIRECTOR_REDIS_URL): one connection publishes, one
 * listens (a connection in subscriber mode can do nothing else), for every channel of this process. A message never
 * comes back to the process that sent it (each process tags its own). Pub/sub keeps nothing: what is sent while a
 * process is away is lost to it, so every message only hurries up what that process would notice by itself later.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { connectRedis } from "./redis-client.js";

/** One named channel of the bus. */
export interface BusChannel {
  publish(message: string): void;
  /** Calls `listener` with every message another process sends; returns a function that stops listening. */
  subscribe(listener: (message: string) => void): () => void;
}

export class RedisBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #keyPrefix: string;
  readonly #sender = randomBytes(8).toString("hex");
  readonly #listeners = new Map<string, Set<(message: string) => void>>();

  constructor(options: { url: string; keyPrefix: string; log: Pick<Logger, "warn" | "info"> }) {
    this.#keyPrefix = options.keyPrefix;
    this.#publisher = connectRedis(options.url, options.log);
    this.#subscriber = connectRedis(options.url, options.log);
    this.#subscriber.on("message", (channel: string, message: string) => {
      const separator = message.indexOf(":");
      if (separator < 0 || message.slice(0, separator) === this.#sender) return;
      for (const listener of this.#listeners.get(channel) ?? []) listener(message.slice(separator + 1));
    });
  }

  channel(name: string): BusChannel {
    const channel = `${this.#keyPrefix}${name}`;
    if (!this.#listeners.has(channel)) {
      this.#listeners.set(channel, new Set());
      // ioredis subscribes again after every reconnection
      this.#subscriber.subscribe(channel).catch(() => {});
    }
    const listeners = this.#listeners.get(channel) ?? new Set();
    return {
      publish: (message) => {
        // a lost message costs a late update elsewhere, never a wrong one
        this.#publisher.publish(channel, `${this.#sender}:${message}`).catch(() => {});
      },
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  /** Resolves once this process listens on every channel it asked for (a test waits for it before sending). */
  async ready(): Promise<void> {
    if (this.#listeners.size > 0) await this.#subscriber.subscribe(...this.#listeners.keys());
  }

  async close(): Promise<void> {
    await Promise.all([this.#publisher, this.#subscriber].map((redis) => redis.quit().catch(() => redis.disconnect())));
  }
}
