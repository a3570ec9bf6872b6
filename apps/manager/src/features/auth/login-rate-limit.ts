/**
 * Limits on password login attempts, per client address (an IPv6 client per /64: client-address-key.ts) and per
 * username, so that guessing passwords is slow whether an attacker tries many passwords for one person or one
 * password for many. Counted by @fastify/rate-limit in the Redis every manager shares (DIRECTOR_REDIS_URL), so a limit
 * hit through one manager holds on all; without Redis, in this process's memory (each manager counts on its own).
 */
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import "@fastify/rate-limit";
import { clientAddressKey } from "@director/http-kit/client-address-key";

export interface LoginRateLimits {
  /** attempts one client address (IPv6: one /64) may make per window */
  maxPerIp: number;
  /** attempts for one username per window, from any address */
  maxPerUsername: number;
  windowMs: number;
}

/** The username a login body names, normalised as login() does; "" when the body has none. */
function usernameOf(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  return typeof body?.username === "string" ? body.username.trim().toLowerCase().slice(0, 64) : "";
}

/**
 * A preHandler for the login route: counts the attempt against both limits and refuses it with 429
 * LOGIN_RATE_LIMITED (and Retry-After) when either is exceeded. The app must have registered @fastify/rate-limit.
 */
export function limitLoginAttempts(
  app: FastifyInstance,
  limits: LoginRateLimits,
): (request: FastifyRequest) => Promise<void> {
  // Two limiters; the plugin's own per-route hook allows only one per request, so they are checked here.
  const perIp = app.createRateLimit({
    max: limits.maxPerIp,
    timeWindow: limits.windowMs,
    // an IPv6 client by its /64, which it may fill with addresses at will
    keyGenerator: (request) => `login-ip:${clientAddressKey(request.ip)}`,
  });
  const perUsername = app.createRateLimit({
    max: limits.maxPerUsername,
    timeWindow: limits.windowMs,
    keyGenerator: (request) => `login-user:${usernameOf(request)}`,
  });
  return async (request) => {
    let checks: Array<Awaited<ReturnType<typeof perIp>>>;
    try {
      checks = [await perIp(request), await perUsername(request)];
    } catch (error) {
      // Redis is out of reach: an uncounted attempt would let guesses through, so the login waits for it.
      throw new DirectorError(
        "RATE_LIMITS_UNAVAILABLE",
        "Logins are paused for a moment: their limits cannot be counted. Try again shortly.",
        { cause: error },
      );
    }
    const exceeded = checks.filter((check) => !check.isAllowed && check.isExceeded);
    if (exceeded.length === 0) return;
    const retryAfterSeconds = Math.max(...exceeded.map((check) => (check.isAllowed ? 0 : check.ttlInSeconds)));
    // the error handler sends it as Retry-After too
    throw new DirectorError("LOGIN_RATE_LIMITED", `Too many login attempts; try again in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
    });
  };
}
