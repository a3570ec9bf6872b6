/**
 * Account limits counted across managers in the real Redis of this machine: two managers share one account's window,
 * a refused use is not counted, the window ends, administrators pass, and a Redis out of reach refuses (503) rather
 * than let a use through uncounted.
 */
import { randomBytes } from "node:crypto";
import type { Actor } from "@director/domain/actor";
import { freePort } from "@director/testing/free-port";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisAccountRateLimit } from "./redis-account-rate-limit.js";

const redisUrl = process.env.DIRECTOR_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const keyPrefix = `director-test-${randomBytes(4).toString("hex")}:`;
const student = (id: number): Actor => ({ id, username: `student${id}`, isSuperuser: false });

describe("RedisAccountRateLimit", () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    const cleaner = new Redis(redisUrl);
    const keys = await cleaner.keys(`${keyPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    for (const client of clients) client.disconnect();
  });

  /** One manager's limit, on its own connection to Redis. */
  const manager = (windowMs: number, url = redisUrl) => {
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: false });
    client.on("error", () => {});
    clients.push(client);
    return new RedisAccountRateLimit(client, keyPrefix, {
      limit: `site_requests_${windowMs}`,
      what: "site requests",
      rule: { max: 3, windowMs },
    });
  };
  const outcome = (promise: Promise<void>) =>
    promise.then(
      () => "taken",
      (error: { code?: string; details?: Record<string, unknown> }) => error.code,
    );

  it("counts one account's uses on two managers together; a refused use is not counted", async () => {
    const [first, second] = [manager(60_000), manager(60_000)];
    expect(await outcome(first.take(student(1)))).toBe("taken");
    expect(await outcome(second.take(student(1)))).toBe("taken");
    expect(await outcome(first.take(student(1)))).toBe("taken");
    const refused = await second.take(student(1)).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: "ACCOUNT_RATE_LIMITED",
      details: { limit: "site_requests_60000", max: 3, retryAfterSeconds: expect.any(Number) },
    });
    expect((refused as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBeGreaterThan(50);
    expect(await outcome(first.take(student(1)))).toBe("ACCOUNT_RATE_LIMITED");
    // another account has its own window, and an administrator is not counted
    expect(await outcome(first.take(student(2)))).toBe("taken");
    for (let i = 0; i < 5; i++) {
      expect(await outcome(second.take({ id: 1, username: "admin", isSuperuser: true }))).toBe("taken");
    }
  });

  it("lets the account go on once its window ended", async () => {
    const limit = manager(300);
    for (let i = 0; i < 3; i++) expect(await outcome(limit.take(student(3)))).toBe("taken");
    expect(await outcome(limit.take(student(3)))).toBe("ACCOUNT_RATE_LIMITED");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await outcome(limit.take(student(3)))).toBe("taken");
  });

  it("refuses with RATE_LIMITS_UNAVAILABLE while Redis is out of reach", async () => {
    const limit = manager(60_000, `redis://127.0.0.1:${await freePort()}/0`);
    expect(await outcome(limit.take(student(4)))).toBe("RATE_LIMITS_UNAVAILABLE");
  });
});
