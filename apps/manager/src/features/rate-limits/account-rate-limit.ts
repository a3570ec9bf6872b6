/**
 * Limits on how often one account may do something that reaches other people: ask for a site (each request mails a
 * teacher the text the student wrote) and invite a username (each makes an account nobody asked for). Counted per
 * account in this process's memory, or, with DIRECTOR_REDIS_URL, by every manager together
 * (adapters/redis-account-rate-limit.ts), like the login limits.
 *
 * Administrators are not counted: they invite without any limit through POST /api/admin/users anyway, they act for
 * the institution (adding a class to a site), and everything they do is in the audit log.
 */

import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";

/** At most `max` uses per `windowMs`, counted from an account's first use in the window. */
export interface AccountLimitRule {
  max: number;
  windowMs: number;
}

/** What a service asks before it acts for someone. */
export interface AccountRateLimit {
  /**
   * Counts one use by `actor`, or throws ACCOUNT_RATE_LIMITED (details: `limit`, `max`, `retryAfterSeconds`) when
   * the window's uses are spent; a refused use is not counted. Administrators pass uncounted.
   */
  take(actor: Actor): void | Promise<void>;
}

/** When this many accounts are tracked, windows that ended are dropped (the map never outgrows the active accounts). */
const sweepAtSize = 1024;

/** The refusal, the same whoever counts. */
export function accountRateLimited(
  options: { limit: string; what: string; rule: AccountLimitRule },
  retryAfterSeconds: number,
): DirectorError {
  const { limit, what, rule } = options;
  return new DirectorError(
    "ACCOUNT_RATE_LIMITED",
    `At most ${rule.max} ${what} per account in ${inWords(Math.round(rule.windowMs / 1000))}; ` +
      `try again in ${inWords(retryAfterSeconds)}.`,
    { details: { limit, max: rule.max, retryAfterSeconds } },
  );
}

function inWords(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** A fixed window per account: it starts at the account's first use and lasts `windowMs`. */
export class InMemoryAccountRateLimit implements AccountRateLimit {
  readonly #windows = new Map<number, { startedAtMs: number; count: number }>();
  readonly #limit: string;
  readonly #what: string;
  readonly #rule: AccountLimitRule;
  readonly #now: () => number;

  /** `limit` names it in the error's details (`site_requests`); `what` in words, plural (`site requests`). */
  constructor(options: { limit: string; what: string; rule: AccountLimitRule; now?: () => number }) {
    this.#limit = options.limit;
    this.#what = options.what;
    this.#rule = options.rule;
    this.#now = options.now ?? Date.now;
  }

  take(actor: Actor): void {
    if (actor.isSuperuser) return;
    const nowMs = this.#now();
    if (this.#windows.size >= sweepAtSize) this.#dropEnded(nowMs);
    let window = this.#windows.get(actor.id);
    if (!window || nowMs - window.startedAtMs >= this.#rule.windowMs) {
      window = { startedAtMs: nowMs, count: 0 };
      this.#windows.set(actor.id, window);
    }
    if (window.count >= this.#rule.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAtMs + this.#rule.windowMs - nowMs) / 1000));
      throw accountRateLimited({ limit: this.#limit, what: this.#what, rule: this.#rule }, retryAfterSeconds);
    }
    window.count += 1;
  }

  #dropEnded(nowMs: number): void {
    for (const [accountId, window] of this.#windows) {
      if (nowMs - window.startedAtMs >= this.#rule.windowMs) this.#windows.delete(accountId);
    }
  }
}
