/**
 * Accounts through the HTTP edge on a real PostgreSQL: administrators search, invite and change accounts; the
 * guidelines gate; disabled accounts; password login limits.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";

const password = "a password long enough";

describe("accounts API", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createServerTestDatabase();
    ({ app, services } = await buildTestManagerApp(database, {
      config: testManagerConfig({ sessions: { loginMaxPerIp: 1000, loginMaxPerUsername: 3, loginWindowMs: 60_000 } }),
      guidelinesText: "Be kind.\n",
    }));
    await services.auth.createUser({ username: "admin", password, isSuperuser: true, email: "admin@school.test" });
    await services.auth.createUser({ username: "teacher", password, isSuperuser: false, role: "teacher" });
    await services.auth.createUser({ username: "newbie", password, isSuperuser: false, hasAcceptedGuidelines: false });
    for (const username of ["admin", "teacher", "newbie"]) {
      tokens[username] = (await services.auth.login(username, password)).token;
    }
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const call = (who: string | null, method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
      ...(payload === undefined ? {} : { payload }),
    });

  it("invites a person by username, finds them by name or email, and changes their role", async () => {
    const invited = await call("admin", "POST", "/api/admin/users", {
      username: "jdoe",
      role: "teacher",
      displayName: "Jane Doe",
      email: "jane@school.test",
    });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json()).toMatchObject({
      username: "jdoe",
      role: "teacher",
      isActive: true,
      lastLoginAt: null,
      guidelinesAccepted: false,
    });
    const again = await call("admin", "POST", "/api/admin/users", { username: "jdoe" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("USERNAME_TAKEN");

    for (const q of ["JANE", "doe", "school.test"]) {
      const found = (await call("admin", "GET", `/api/admin/users?q=${q}`)).json();
      expect(found.users.map((user: { username: string }) => user.username)).toContain("jdoe");
    }
    // LIKE wildcards in a query are plain characters
    expect((await call("admin", "GET", "/api/admin/users?q=%25")).json()).toEqual({ users: [], total: 0 });
    const page = (await call("admin", "GET", "/api/admin/users?limit=2&offset=1")).json();
    expect(page.total).toBe(4);
    expect(page.users.map((user: { username: string }) => user.username)).toEqual(["jdoe", "newbie"]);

    const changed = await call("admin", "PATCH", "/api/admin/users/jdoe", { role: "student", graduationYear: 2028 });
    expect(changed.json()).toMatchObject({ role: "student", graduationYear: 2028 });
    const events = await database.db.selectFrom("audit_events").select(["action", "target"]).execute();
    expect(events).toEqual(
      expect.arrayContaining([
        { action: "user.invite", target: "user:jdoe" },
        { action: "user.update", target: "user:jdoe" },
      ]),
    );
  });

  it("refuses bad input with a stable code and changes nothing", async () => {
    const before = await database.db.selectFrom("users").selectAll().orderBy("id").execute();
    const cases: Array<[string, "POST" | "PATCH" | "GET", object | undefined, number, string]> = [
      ["/api/admin/users", "POST", { username: "Bad Name" }, 400, "USERNAME_INVALID"],
      ["/api/admin/users", "POST", { username: "x1", role: "principal" }, 400, "VALIDATION_FAILED"],
      ["/api/admin/users", "POST", { username: "x2", email: "not an email" }, 400, "VALIDATION_FAILED"],
      ["/api/admin/users", "POST", { username: "x3", password: "sneaky" }, 400, "VALIDATION_FAILED"],
      ["/api/admin/users/jdoe", "PATCH", { graduationYear: 99 }, 400, "VALIDATION_FAILED"],
      ["/api/admin/users/jdoe", "PATCH", { isSuperuser: "yes" }, 400, "VALIDATION_FAILED"],
      ["/api/admin/users/nobody", "PATCH", { role: "teacher" }, 404, "USER_NOT_FOUND"],
      ["/api/admin/users/admin", "PATCH", { isSuperuser: false }, 409, "SELF_LOCKOUT"],
      ["/api/admin/users/admin", "PATCH", { isActive: false }, 409, "SELF_LOCKOUT"],
      ["/api/admin/users?limit=0", "GET", undefined, 400, "VALIDATION_FAILED"],
    ];
    for (const [url, method, payload, status, code] of cases) {
      const answer = await call("admin", method, url, payload);
      expect([url, answer.statusCode, answer.json().error?.code]).toEqual([url, status, code]);
    }
    expect(await database.db.selectFrom("users").selectAll().orderBy("id").execute()).toEqual(before);
  });

  it("holds a person at the guidelines until they accept them", async () => {
    const me = await call("newbie", "GET", "/api/auth/me");
    expect(me.json()).toMatchObject({ username: "newbie", guidelinesAccepted: false, role: "student" });
    const blocked = await call("newbie", "GET", "/api/sites");
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
    expect((await call("newbie", "GET", "/api/guidelines")).json()).toEqual({
      text: "Be kind.\n",
      // `printf 'Be kind.' | sha256sum`: the trailing newline does not count
      version: "5499befb38dbf3fc",
      acceptedAt: null,
      acceptedVersion: null,
      isAccepted: false,
    });
    const accepted = await call("newbie", "POST", "/api/guidelines/accept");
    expect(accepted.json()).toMatchObject({ guidelinesAccepted: true });
    const first = (await call("newbie", "GET", "/api/guidelines")).json().acceptedAt;
    expect(first).not.toBeNull();
    await call("newbie", "POST", "/api/guidelines/accept");
    expect((await call("newbie", "GET", "/api/guidelines")).json().acceptedAt).toBe(first);
    expect((await call("newbie", "GET", "/api/sites")).statusCode).toBe(200);
  });

  it("ends a disabled person's sessions at once, refuses their login, and lets them back when enabled", async () => {
    const session = await services.auth.login("teacher", password);
    expect((await call("admin", "PATCH", "/api/admin/users/teacher", { isActive: false })).json()).toMatchObject({
      isActive: false,
    });
    tokens.old = session.token;
    const refused = await call("old", "GET", "/api/auth/me");
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe("AUTH_REQUIRED");
    const login = await call(null, "POST", "/api/auth/login", { username: "teacher", password });
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe("ACCOUNT_DISABLED");
    // with a wrong password, a disabled account looks like any failed login
    const wrong = await call(null, "POST", "/api/auth/login", { username: "teacher", password: "wrong password" });
    expect(wrong.json().error.code).toBe("AUTH_INVALID_CREDENTIALS");
    await call("admin", "PATCH", "/api/admin/users/teacher", { isActive: true });
    const back = await call(null, "POST", "/api/auth/login", { username: "teacher", password });
    expect(back.statusCode).toBe(200);
    expect(back.json().user.lastLoginAt).not.toBeNull();
  });

  it("records the last login, and limits password attempts per username with LOGIN_RATE_LIMITED", async () => {
    await services.auth.createUser({ username: "target", password, isSuperuser: false });
    const attempt = (pass: string) => call(null, "POST", "/api/auth/login", { username: "Target", password: pass });
    const ok = await attempt(password);
    expect(ok.statusCode).toBe(200);
    const row = await database.db.selectFrom("users").selectAll().where("username", "=", "target").executeTakeFirst();
    expect(row?.last_login_at).toBeInstanceOf(Date);
    expect((await attempt("guess one")).statusCode).toBe(401);
    expect((await attempt("guess two")).statusCode).toBe(401);
    const limited = await attempt(password);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("LOGIN_RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // another username from the same address is still let through
    expect((await call(null, "POST", "/api/auth/login", { username: "admin", password })).statusCode).toBe(200);
  });
});

describe("password login limit per address", () => {
  it("refuses the attempt past the limit from one address, whatever the username", async () => {
    const database = await createServerTestDatabase();
    const { app } = await buildTestManagerApp(database, {
      config: testManagerConfig({ sessions: { loginMaxPerIp: 2, loginMaxPerUsername: 100 } }),
    });
    try {
      const statuses: number[] = [];
      for (const username of ["a1", "a2", "a3"]) {
        const answer = await app.inject({
          method: "POST",
          url: "/api/auth/login",
          payload: { username, password: "whatever it is" },
        });
        statuses.push(answer.statusCode);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
