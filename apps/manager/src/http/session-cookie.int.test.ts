/**
 * The session cookie behind HTTPS (DIRECTOR_COOKIE_SECURE), on a real PostgreSQL and a real WebSocket client: it is
 * `__Host-director_session` (Secure, Path=/, no Domain), so that a hosted site under the same registrable domain
 * cannot set one for the manager; a cookie of the plain name (what such a site could toss) is never read. Login,
 * the CSRF rule, logout and the live channel work with it. The plain name over HTTP is what the other tests use.
 */
import type { LiveServerMessage } from "@director/contracts/manager-live";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildTestManagerApp, testManagerConfig } from "../testing/test-app.js";

const password = "a password long enough";
const secureName = "__Host-director_session";

describe("the session cookie over HTTPS", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  let setCookie: string;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
    ({ app, services } = await buildTestManagerApp(database, {
      config: testManagerConfig({ http: { isCookieSecure: true } }),
    }));
    await services.auth.createUser({ username: "ann", password, isSuperuser: false });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
    const login = await app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "ann", password } });
    expect(login.statusCode, login.body).toBe(200);
    token = login.json().token;
    setCookie = String(login.headers["set-cookie"]);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const asBrowser = (method: "GET" | "POST", url: string, cookie: string, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { cookie, ...headers } });

  it("is set as __Host-director_session: Secure, Path=/, HttpOnly, SameSite=Lax and no Domain", () => {
    expect(setCookie.startsWith(`${secureName}=${token};`)).toBe(true);
    const attributes = setCookie.split(";").map((attribute) => attribute.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["secure", "path=/", "httponly", "samesite=lax"]));
    expect(attributes.some((attribute) => attribute.startsWith("domain="))).toBe(false);
  });

  it("is read under that name only: a cookie of the plain name, as another site could set, is ignored", async () => {
    expect((await asBrowser("GET", "/api/auth/me", `${secureName}=${token}`)).json().username).toBe("ann");
    const tossed = await asBrowser("GET", "/api/auth/me", `director_session=${token}`);
    expect(tossed.statusCode).toBe(401);
    expect(tossed.json().error.code).toBe("AUTH_REQUIRED");
  });

  it("still needs the CSRF header on changes", async () => {
    const cookie = `${secureName}=${token}`;
    const without = await asBrowser("POST", "/api/guidelines/accept", cookie);
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe("CSRF_HEADER_MISSING");
    const withHeader = await asBrowser("POST", "/api/guidelines/accept", cookie, { "x-director-csrf": "1" });
    expect(withHeader.statusCode, withHeader.body).toBe(200);
  });

  it("opens the live channel from the manager's own page", async () => {
    const host = new URL(base).host;
    const socket = new WebSocket(`${base.replace(/^http/, "ws")}/ws`, {
      headers: { origin: `http://${host}`, cookie: `${secureName}=${token}` },
    });
    const first = new Promise<LiveServerMessage>((resolve, reject) => {
      socket.once("message", (data) => resolve(JSON.parse(data.toString())));
      socket.once("unexpected-response", (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
      socket.once("error", reject);
    });
    socket.once("open", () => socket.send(JSON.stringify({ type: "watch", sites: ["nosuchsite"] })));
    expect(await first).toEqual({ type: "unavailable", site: "nosuchsite" });
    socket.close();

    const tossed = new WebSocket(`${base.replace(/^http/, "ws")}/ws`, {
      headers: { origin: `http://${host}`, cookie: `director_session=${token}` },
    });
    const status = await new Promise<number | undefined>((resolve) => {
      tossed.once("unexpected-response", (_request, response) => resolve(response.statusCode));
      tossed.once("open", () => resolve(undefined));
    });
    expect(status).toBe(401);
  });

  it("is cleared on logout with the same name and attributes (a browser ignores a __Host- cookie without Secure)", async () => {
    const cookie = `${secureName}=${token}`;
    const logout = await asBrowser("POST", "/api/auth/logout", cookie, { "x-director-csrf": "1" });
    expect(logout.statusCode).toBe(204);
    const cleared = String(logout.headers["set-cookie"]);
    expect(cleared.startsWith(`${secureName}=;`)).toBe(true);
    const attributes = cleared.split(";").map((attribute) => attribute.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["secure", "path=/"]));
    expect((await asBrowser("GET", "/api/auth/me", cookie)).statusCode).toBe(401);
  });
});
