/**
 * Live connection places counted across managers in the real Redis of this machine: two managers share an account's
 * limit; a manager that dies leaves its places only until their lease lapses, while a living one keeps its own past
 * many leases; another account and another installation's prefix are apart; a Redis out of reach falls back to this
 * manager's own count.
 */
import { randomBytes } from "node:crypto";
import { freePort } from "@director/testing/free-port";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { RedisLivePlaces } from "./redis-live-places.js";

const redisUrl = process.env.DIRECTOR_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const silent = pino({ level: "silent" });
const keyPrefix = `director-test-${randomBytes(4).toString("hex")}:`;
const leaseMs = 400;

describe("RedisLivePlaces", () => {
  const clients: Redis[] = [];
  const places: RedisLivePlaces[] = [];
  afterAll(async () => {
    for (const one of places) await one.close();
    const cleaner = new Redis(redisUrl);
    const keys = await cleaner.keys(`${keyPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    for (const client of clients) client.disconnect();
  });

  /** One manager's places, on its own connection to Redis. */
  const manager = (options: { prefix?: string; url?: string } = {}) => {
    const client = new Redis(options.url ?? redisUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    clients.push(client);
    const one = new RedisLivePlaces(client, {
      keyPrefix: options.prefix ?? keyPrefix,
      perAccount: 3,
      leaseMs,
      log: silent,
    });
    places.push(one);
    return one;
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "taken",
      (error: { code?: string }) => error.code,
    );

  it("holds one account to its limit across two managers, and gives a place back when a connection closes", async () => {
    const [first, second] = [manager(), manager()];
    const held = [await first.take(1), await first.take(1), await second.take(1)];
    expect(await refusal(second.take(1))).toBe("LIVE_CONNECTION_LIMIT");
    expect(await refusal(first.take(1))).toBe("LIVE_CONNECTION_LIMIT");
    // another account has its own places
    expect(await refusal(second.take(2))).toBe("taken");
    held[0]?.();
    held[0]?.(); // a second give-back of the same place changes nothing
    await expect.poll(() => refusal(second.take(1))).toBe("taken");
    expect(await refusal(first.take(1))).toBe("LIVE_CONNECTION_LIMIT");
  });

  it("lets the places of a manager that died lapse with their lease, and renews a living manager's", async () => {
    const [living, dying, other] = [manager(), manager(), manager()];
    await living.take(3);
    await dying.take(3);
    await dying.take(3);
    expect(await refusal(other.take(3))).toBe("LIVE_CONNECTION_LIMIT");
    await dying.close(); // stops renewing, as a killed process would, without giving anything back
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 3));
    // the dead manager's two places are free again; the living one's, renewed, still counts
    expect(await refusal(other.take(3))).toBe("taken");
    expect(await refusal(other.take(3))).toBe("taken");
    expect(await refusal(other.take(3))).toBe("LIVE_CONNECTION_LIMIT");
  });

  it("keeps installations apart by their key prefix", async () => {
    const [mine, theirs] = [manager(), manager({ prefix: `${keyPrefix}other:` })];
    for (let i = 0; i < 3; i++) await mine.take(4);
    expect(await refusal(mine.take(4))).toBe("LIVE_CONNECTION_LIMIT");
    expect(await refusal(theirs.take(4))).toBe("taken");
  });

  it("counts on its own while Redis is out of reach, rather than refusing every page", async () => {
    const alone = manager({ url: `redis://127.0.0.1:${await freePort()}/0` });
    for (let i = 0; i < 3; i++) expect(await refusal(alone.take(5))).toBe("taken");
    expect(await refusal(alone.take(5))).toBe("LIVE_CONNECTION_LIMIT");
  });
});
