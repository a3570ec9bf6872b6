/**
 * The login limit per client address behind a reverse proxy, on a real PostgreSQL: with the proxy trusted
 * (DIRECTOR_TRUSTED_PROXIES) each client behind it has its own count; without it, X-Forwarded-For is ignored, so
 * naming another address in it never steps around the limit. An IPv6 client is counted by its /64, and an IPv4 client
 * arriving as an IPv4-mapped IPv6 address as that IPv4 address.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";

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

  it("counts an IPv6 client by its /64, so that new addresses of the same network give no new tries", async () => {
    expect(await attempt(plain, "2001:db8:1:2::1")).toBe(401);
    expect(await attempt(plain, "2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe(401);
    const refused = await plain.inject({
      method: "POST",
      url: "/api/auth/login",
      remoteAddress: "2001:db8:1:2::ffff",
      payload: { username: "nobody", password: "not the password" },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("LOGIN_RATE_LIMITED");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // the next /64 is another client
    expect(await attempt(plain, "2001:db8:1:3::1")).toBe(401);
  });

  it("counts an IPv4 client the same whether it arrives as IPv4 or IPv4-mapped IPv6", async () => {
    expect(await attempt(plain, "::ffff:192.0.2.50")).toBe(401);
    expect(await attempt(plain, "192.0.2.50")).toBe(401);
    expect(await attempt(plain, "::ffff:c000:232")).toBe(429);
  });
});
