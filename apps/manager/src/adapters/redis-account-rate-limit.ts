/**
 * Account limits (site requests, invitations) counted in the Redis every manager shares, with the same rule as the
 * in-process count (features/rate-limits/account-rate-limit.ts): a fixed window from the account's first use, a refused
 * use not counted. One script per use, so two managers never both take the last place. While Redis is out of reach
 * the use is refused (503 RATE_LIMITS_UNAVAILABLE), never let through uncounted, as for logins.
 */
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { Redis } from "ioredis";
import {
  type AccountLimitRule,
  type AccountRateLimit,
  accountRateLimited,
} from "../features/rate-limits/account-rate-limit.js";

/** KEYS[1]: the account's counter; ARGV: max, window ms. {1, 0}: counted; {0, ms left}: refused, not counted. */
const takeScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
if count > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return {0, redis.call('PTTL', KEYS[1])}
end
return {1, 0}`;

export class RedisAccountRateLimit implements AccountRateLimit {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #options: { limit: string; what: string; rule: AccountLimitRule };

  constructor(redis: Redis, keyPrefix: string, options: { limit: string; what: string; rule: AccountLimitRule }) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}account-limit:${options.limit}:`;
    this.#options = options;
  }

  async take(actor: Actor): Promise<void> {
    if (actor.isSuperuser) return;
    const { rule } = this.#options;
    let answer: unknown;
    try {
      answer = await this.#redis.eval(takeScript, 1, `${this.#prefix}${actor.id}`, rule.max, rule.windowMs);
    } catch (error) {
      throw new DirectorError(
        "RATE_LIMITS_UNAVAILABLE",
        `New ${this.#options.what} are paused for a moment: their limit cannot be counted. Try again shortly.`,
        { cause: error },
      );
    }
    const [isTaken, leftMs] = Array.isArray(answer) ? answer.map(Number) : [0, rule.windowMs];
    if (isTaken === 1) return;
    throw accountRateLimited(this.#options, Math.max(1, Math.ceil((leftMs ?? rule.windowMs) / 1000)));
  }
}
