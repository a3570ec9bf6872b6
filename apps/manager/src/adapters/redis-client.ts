/**
 * The manager's connection to the Redis every manager shares (DIRECTOR_REDIS_URL), through ioredis. Commands wait
 * for the connection rather than fail while it is being made; a command that cannot be sent within a few seconds
 * fails, and the login it counted answers 503 rather than let a guess through uncounted.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";

/** The client, which says once when Redis goes out of reach and once when it is back (not at every retry). */
export function connectRedis(url: string, log: Pick<Logger, "warn" | "info">): Redis {
  const redis = new Redis(url, {
    // a reconnect every 0.2 s at first, then at most every 2 s, for as long as the manager runs
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    maxRetriesPerRequest: 3,
    connectTimeout: 5000,
    enableOfflineQueue: true,
  });
  let isDown = false;
  redis.on("error", (error: Error) => {
    if (isDown) return;
    isDown = true;
    log.warn({ err: error }, "Redis is out of reach; logins wait for it (503) and it is tried again every 2 s");
  });
  redis.on("ready", () => {
    if (!isDown) return;
    isDown = false;
    log.info("Redis is reachable again");
  });
  return redis;
}
