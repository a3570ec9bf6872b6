/**
 * Failed SSH logins, counted per client address (an IPv6 client by its /64) and per username over a window, with the
 * web login's limits (DIRECTOR_LOGIN_MAX_PER_IP, _PER_USERNAME, _WINDOW_MS). Unlike the web login, which counts every
 * attempt, only failures count here: an SSH client offers each of its keys in turn and reconnects for every command,
 * so counting successes would lock out a person with a busy deploy script. In this process's memory, bounded.
 */
import { clientAddressKey } from "@director/http-kit/client-address-key";
import type { LoginRateLimits } from "../auth/login-rate-limit.js";

interface Window {
  count: number;
  endsAt: number;
}

/** More keys than this are dropped oldest first (an attacker with many addresses must not fill memory). */
const maxTrackedKeys = 100_000;

/**
 * Counts failed SSH logins: in this process (LoginFailures) or in the Redis every manager shares
 * (adapters/redis-login-failures.ts), so that a limit holds whichever manager the shell server asks.
 */
export interface LoginFailureCounter {
  /** seconds until `address` and `username` may try again; 0 when neither has used up its failures */
  retryAfterSeconds(address: string, username: string): number | Promise<number>;
  /** counts one failure against both */
  record(address: string, username: string): void | Promise<void>;
}

export class LoginFailures implements LoginFailureCounter {
  readonly #limits: LoginRateLimits;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(limits: LoginRateLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Seconds until `address` and `username` may try again; 0 when neither has used up its failures. */
  retryAfterSeconds(address: string, username: string): number {
    const now = this.#now();
    const waits = [
      this.#wait(addressKey(address), this.#limits.maxPerIp, now),
      this.#wait(usernameKey(username), this.#limits.maxPerUsername, now),
    ];
    return Math.max(...waits);
  }

  /** Counts one failure against both. */
  record(address: string, username: string): void {
    const now = this.#now();
    for (const key of [addressKey(address), usernameKey(username)]) {
      const window = this.#windows.get(key);
      if (window === undefined || window.endsAt <= now) {
        this.#windows.delete(key);
        this.#windows.set(key, { count: 1, endsAt: now + this.#limits.windowMs });
      } else {
        window.count += 1;
      }
    }
    while (this.#windows.size > maxTrackedKeys) {
      const oldest = this.#windows.keys().next().value;
      if (oldest === undefined) break;
      this.#windows.delete(oldest);
    }
  }

  #wait(key: string, max: number, now: number): number {
    const window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now || window.count < max) return 0;
    return Math.ceil((window.endsAt - now) / 1000);
  }
}

export function addressKey(address: string): string {
  return `ip:${clientAddressKey(address)}`;
}

export function usernameKey(username: string): string {
  return `user:${username.trim().toLowerCase().slice(0, 64)}`;
}
