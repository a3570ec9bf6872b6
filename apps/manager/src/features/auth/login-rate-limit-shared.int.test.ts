/**
 * The login limits shared through Redis (DIRECTOR_REDIS_URL), on the real Redis and PostgreSQL of this machine: two
 * managers on one database and one Redis count every attempt together (web logins) and every failure together (SSH
 * logins the shell server asks about), so a limit hit through one holds on the other; a manager without Redis counts
 * on its own. With Redis out of reach a login is refused with 503, never let through
 * uncounted.
 */
import { randomBytes } from "node:crypto";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";

const redisUrl = process.env.DIRECTOR_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const sessions = { loginMaxPerIp: 100, loginMaxPerUsername: 3 };
const shell = { token: "shell-token-for-the-shared-limits-test-0123" };

describe("login limits shared by managers through Redis", () => {
  let database: ServerTestDatabase;
  const keyPrefix = `director-test-${randomBytes(4).toString("hex")}:`;
  let first: FastifyInstance;
  let second: FastifyInstance;
  let alone: FastifyInstance;
  let unreachable: FastifyInstance;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    const shared = testManagerConfig({ sessions, shell, redis: { url: redisUrl, keyPrefix } });
    ({ app: first } = await buildTestManagerApp(database, { config: shared }));
    ({ app: second } = await buildTestManagerApp(database, { config: shared }));
    ({ app: alone } = await buildTestManagerApp(database, { config: testManagerConfig({ sessions }) }));
    ({ app: unreachable } = await buildTestManagerApp(database, {
      config: testManagerConfig({ sessions, redis: { url: "redis://127.0.0.1:1/0", keyPrefix } }),
    }));
  });

  afterAll(async () => {
    for (const app of [first, second, alone, unreachable]) await app?.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database?.drop();
  });

  const attempt = async (app: FastifyInstance, username: string, from = "192.0.2.20") => {
    const answer = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      remoteAddress: from,
      payload: { username, password: "not the password" },
    });
    return { status: answer.statusCode, code: answer.json().error?.code as string | undefined };
  };

  it("holds a limit hit through one manager on the other, and keeps its count in Redis", async () => {
    expect((await attempt(first, "ada")).status).toBe(401);
    expect((await attempt(second, "ada", "198.51.100.1")).status).toBe(401);
    expect((await attempt(first, "ada", "198.51.100.2")).status).toBe(401);
    // the fourth attempt for "ada", from yet another address, through the other manager
    expect(await attempt(second, "ada", "198.51.100.3")).toEqual({ status: 429, code: "LOGIN_RATE_LIMITED" });
    expect(await attempt(first, "ada", "198.51.100.4")).toEqual({ status: 429, code: "LOGIN_RATE_LIMITED" });
    const redis = new Redis(redisUrl);
    try {
      expect((await redis.keys(`${keyPrefix}*`)).length).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
    // another person is not held back
    expect((await attempt(second, "grace", "198.51.100.5")).status).toBe(401);
  });

  it("counts failed SSH logins together: a username locked through one manager is locked on the other", async () => {
    const sshLogin = async (app: FastifyInstance, address: string) => {
      const answer = await app.inject({
        method: "POST",
        url: "/internal/v1/shell/logins",
        headers: { authorization: `Bearer ${shell.token}` },
        payload: { username: "lovelace", address, credential: { kind: "password", password: "wrong" } },
      });
      return answer.json().error?.code as string | undefined;
    };
    expect(await sshLogin(first, "192.0.2.31")).toBe("AUTH_INVALID_CREDENTIALS");
    expect(await sshLogin(second, "192.0.2.32")).toBe("AUTH_INVALID_CREDENTIALS");
    expect(await sshLogin(first, "192.0.2.33")).toBe("AUTH_INVALID_CREDENTIALS");
    expect(await sshLogin(second, "192.0.2.34")).toBe("LOGIN_RATE_LIMITED");
    expect(await sshLogin(first, "192.0.2.35")).toBe("LOGIN_RATE_LIMITED");
  });

  it("counts on its own without Redis", async () => {
    for (let round = 0; round < 3; round += 1) expect((await attempt(alone, "ada", "203.0.113.9")).status).toBe(401);
    expect((await attempt(alone, "ada", "203.0.113.9")).status).toBe(429);
  });

  it("refuses a login with 503 while Redis is out of reach, rather than let it through uncounted", async () => {
    expect(await attempt(unreachable, "lin")).toEqual({ status: 503, code: "RATE_LIMITS_UNAVAILABLE" });
  });
});
