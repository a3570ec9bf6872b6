/**
 * The login limit per client address behind a reverse proxy, on a real PostgreSQL: with the proxy trusted
 * (DIRECTOR_TRUSTED_PROXIES) each client behind it has its own count; without it, X-Forwarded-For is ignored, so
 * naming another address in it never steps around the limit.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp, testManagerConfig } from "../../http/test-manager-app.js";

const sessions = { loginMaxPerIp: 2, loginMaxPerUsername: 100 };

describe("login limit per client address", () => {
  let database: ServerTestDatabase;
  let trusting: FastifyInstance;
  let plain: FastifyInstance;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    ({ app: trusting } = await buildTestManagerApp(database, {
      config: testManagerConfig({ sessions, http: { trustedProxies: ["127.0.0.1"] } }),
    }));
    ({ app: plain } = await buildTestManagerApp(database, { config: testManagerConfig({ sessions }) }));
  });

  afterAll(async () => {
    await trusting?.close();
    await plain?.close();
    await database?.drop();
  });

  const attempt = async (app: FastifyInstance, from: string, forwardedFor?: string) =>
    (
      await app.inject({
        method: "POST",
        url: "/api/auth/login",
        remoteAddress: from,
        headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
        payload: { username: "nobody", password: "not the password" },
      })
    ).statusCode;

  it("counts each client behind a trusted proxy on its own", async () => {
    expect(await attempt(trusting, "127.0.0.1", "203.0.113.1")).toBe(401);
    expect(await attempt(trusting, "127.0.0.1", "203.0.113.1")).toBe(401);
    expect(await attempt(trusting, "127.0.0.1", "203.0.113.1")).toBe(429);
    expect(await attempt(trusting, "127.0.0.1", "203.0.113.2")).toBe(401); // a classmate is not locked out
    // a client that is not the proxy is counted by its own address, whatever it forwards
    expect(await attempt(trusting, "198.51.100.7", "203.0.113.3")).toBe(401);
    expect(await attempt(trusting, "198.51.100.7", "203.0.113.4")).toBe(401);
    expect(await attempt(trusting, "198.51.100.7", "203.0.113.5")).toBe(429);
  });

  it("ignores X-Forwarded-For when no proxy is trusted", async () => {
    expect(await attempt(plain, "192.0.2.9", "203.0.113.10")).toBe(401);
    expect(await attempt(plain, "192.0.2.9", "203.0.113.11")).toBe(401);
    expect(await attempt(plain, "192.0.2.9", "203.0.113.12")).toBe(429);
  });
});
