/**
 * Failed SSH logins counted in the Redis every manager shares (DIRECTOR_REDIS_URL), with the same keys, limits and
 * windows as the in-process count (features/shell/login-failures.ts): a window starts at a key's first failure and
 * Redis deletes the key when it ends. While Redis is out of reach a login is refused (503), never let through uncounted.
 */

import { DirectorError } from "@director/domain/errors";
import type { Redis } from "ioredis";
import type { LoginRateLimits } from "../features/auth/login-rate-limit.js";
import { addressKey, type LoginFailureCounter, usernameKey } from "../features/shell/login-failures.js";

export class RedisLoginFailures implements LoginFailureCounter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #limits: LoginRateLimits;

  constructor(redis: Redis, keyPrefix: string, limits: LoginRateLimits) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}ssh-login-failures:`;
    this.#limits = limits;
  }

  async retryAfterSeconds(address: string, username: string): Promise<number> {
    const checks = [
      { key: this.#prefix + addressKey(address), max: this.#limits.maxPerIp },
      { key: this.#prefix + usernameKey(username), max: this.#limits.maxPerUsername },
    ];
    const counted = await this.#run(() =>
      this.#redis
        .multi()
        .get(checks[0]?.key ?? "")
        .pttl(checks[0]?.key ?? "")
        .get(checks[1]?.key ?? "")
        .pttl(checks[1]?.key ?? "")
        .exec(),
    );
    const waits = checks.map(({ max }, index) => {
      const count = Number(counted?.[index * 2]?.[1] ?? 0);
      const ttlMs = Number(counted?.[index * 2 + 1]?.[1] ?? -2);
      return count >= max && ttlMs > 0 ? Math.ceil(ttlMs / 1000) : 0;
    });
    return Math.max(...waits);
  }

  async record(address: string, username: string): Promise<void> {
    const transaction = this.#redis.multi();
    for (const key of [addressKey(address), usernameKey(username)].map((suffix) => this.#prefix + suffix)) {
      // the window starts with the key's first failure: NX leaves a running window's end where it is
      transaction.incr(key).pexpire(key, this.#limits.windowMs, "NX");
    }
    await this.#run(() => transaction.exec());
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new DirectorError(
        "RATE_LIMITS_UNAVAILABLE",
        "Logins are paused for a moment: their limits cannot be counted. Try again shortly.",
        { cause: error },
      );
    }
  }
}
