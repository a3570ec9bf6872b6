/**
 * Live connection places counted in the Redis every manager shares: one sorted set per account, a member per open
 * connection, scored by the moment its lease ends. A manager renews its members' leases while their connections are
 * open and removes a member when its connection closes, so a manager that dies leaves places that lapse within one
 * lease instead of holding them forever. Every check and renewal runs as a script reading Redis's own clock, so the
 * managers' clocks need not agree. While Redis is out of reach, places are counted by this manager alone (the live
 * channel is how pages stay current: better a looser limit for a while than no live updates).
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  InProcessLivePlaces,
  type LivePlaces,
  liveConnectionLimitReached,
  maxLiveConnectionsPerUser,
} from "../features/live/live-places.js";

/** KEYS[1]: the account's set; ARGV: lease ms, limit, member. 1: taken, 0: the account holds the limit already. */
const takeScript = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1`;

/** KEYS: accounts' sets; ARGV[1]: lease ms, then one member per key. Renews only members still there (XX). */
const renewScript = `
local now = redis.call('TIME')
local leaseEnd = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1])
for index, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', leaseEnd, ARGV[index + 1])
  redis.call('PEXPIRE', key, tonumber(ARGV[1]))
end
return 0`;

export interface RedisLivePlacesOptions {
  keyPrefix: string;
  perAccount?: number;
  /** How long a place outlives the last renewal of the manager holding it (renewed every third of it). */
  leaseMs?: number;
  log: Pick<Logger, "warn">;
}

export class RedisLivePlaces implements LivePlaces {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #perAccount: number;
  readonly #leaseMs: number;
  readonly #log: Pick<Logger, "warn">;
  /** this manager's members by their set's key */
  readonly #held = new Map<string, string>();
  readonly #fallback: InProcessLivePlaces;
  readonly #renewal: NodeJS.Timeout;
  readonly #instance = randomUUID();
  #taken = 0;

  constructor(redis: Redis, options: RedisLivePlacesOptions) {
    this.#redis = redis;
    this.#prefix = `${options.keyPrefix}live-places:`;
    this.#perAccount = options.perAccount ?? maxLiveConnectionsPerUser;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#log = options.log;
    this.#fallback = new InProcessLivePlaces(this.#perAccount);
    this.#renewal = setInterval(() => void this.#renew(), Math.max(Math.floor(this.#leaseMs / 3), 50));
    this.#renewal.unref();
  }

  async take(accountId: number): Promise<() => void> {
    const key = `${this.#prefix}${accountId}`;
    this.#taken += 1;
    const member = `${this.#instance}:${this.#taken}`;
    let taken: unknown;
    try {
      taken = await this.#redis.eval(takeScript, 1, key, this.#leaseMs, this.#perAccount, member);
    } catch (error) {
      this.#log.warn(
        { err: error },
        "Redis did not answer: live connections are counted by this manager alone for now",
      );
      return this.#fallback.take(accountId);
    }
    if (taken !== 1) throw liveConnectionLimitReached(this.#perAccount);
    this.#held.set(member, key);
    return () => {
      if (!this.#held.delete(member)) return;
      this.#redis.zrem(key, member).catch((error: unknown) => {
        // the place lapses with its lease anyway
        this.#log.warn({ err: error }, "could not give back a live connection's place in Redis");
      });
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#renewal);
  }

  async #renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const members = [...this.#held.keys()];
    const keys = members.map((member) => this.#held.get(member) ?? "");
    try {
      await this.#redis.eval(renewScript, keys.length, ...keys, this.#leaseMs, ...members);
    } catch (error) {
      this.#log.warn({ err: error }, "could not renew the live connections' places in Redis");
    }
  }
}
