/**
 * Login with the institution's identity provider, end to end against a real OpenID provider (oidc-provider) and a
 * real PostgreSQL: the browser's redirects are followed by hand, cookies kept per origin as a browser would.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import {
  startTestOidcProvider,
  type TestOidcClaims,
  type TestOidcProvider,
} from "@director/testing/test-oidc-provider";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CookieJar,
  expectBackToLogin,
  testRedirectUrl as redirectUrl,
  browserLogin as runBrowserLogin,
} from "../../testing/provider-login.js";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";

describe("OpenID Connect login", () => {
  let database: ServerTestDatabase;
  let provider: TestOidcProvider;
  let app: FastifyInstance;
  let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];

  beforeAll(async () => {
    database = await createServerTestDatabase();
    provider = await startTestOidcProvider({ redirectUrl });
    ({ app, services } = await buildTestManagerApp(database, {
      config: testManagerConfig({
        oidc: {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          redirectUrl,
          claims: { teacherValues: ["teacher", "staff"] },
        },
      }),
    }));
  });

  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await database?.drop();
  });

  /** Runs the browser's part of a login; returns the callback's answer and the manager's cookies. */
  async function browserLogin(
    claims: TestOidcClaims,
    tamper?: (callbackPath: string) => string,
    manager: FastifyInstance = app,
  ) {
    const login = await runBrowserLogin({ manager, provider, claims, ...(tamper ? { tamper } : {}) });
    expect(login.authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    return login;
  }

  const me = (jar: CookieJar) => app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: jar.header() } });

  it("creates an account from the provider's claims, logs it in with the session cookie and redirects to /", async () => {
    const { callback, managerJar } = await browserLogin({
      sub: "subject-ada",
      preferred_username: "ALovelace",
      given_name: "Ada",
      family_name: "Lovelace",
      email: "ada@school.test",
      role: "student",
      graduation_year: 2027,
    });
    expect(callback.statusCode, callback.body).toBe(302);
    expect(callback.headers.location).toBe("/");
    expect(managerJar.get("director_session")).toBeTruthy();
    const who = await me(managerJar);
    expect(who.json()).toMatchObject({
      username: "alovelace",
      displayName: "Ada Lovelace",
      email: "ada@school.test",
      role: "student",
      graduationYear: 2027,
      isSuperuser: false,
      guidelinesAccepted: false,
    });
    expect(who.json().lastLoginAt).not.toBeNull();
    // a new person must accept the guidelines before anything else
    const sites = await app.inject({ method: "GET", url: "/api/sites", headers: { cookie: managerJar.header() } });
    expect(sites.statusCode).toBe(403);
    expect(sites.json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
  });

  it("sets the session cookie as __Host-director_session behind HTTPS (DIRECTOR_COOKIE_SECURE)", async () => {
    const secure = await buildTestManagerApp(database, {
      config: testManagerConfig({
        http: { isCookieSecure: true },
        oidc: {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          redirectUrl,
        },
      }),
    });
    try {
      const { callback, managerJar } = await browserLogin(
        { sub: "subject-ida", preferred_username: "ida", name: "Ida Rhodes" },
        undefined,
        secure.app,
      );
      expect(callback.statusCode, callback.body).toBe(302);
      expect(callback.headers.location).toBe("/");
      expect(String(callback.headers["set-cookie"])).toMatch(/__Host-director_session=[^;]+;.*Secure/);
      expect(managerJar.get("director_session")).toBeUndefined();
      const who = await secure.app.inject({
        method: "GET",
        url: "/api/auth/me",
        headers: { cookie: managerJar.header() },
      });
      expect(who.json().username).toBe("ida");
    } finally {
      await secure.app.close();
    }
  });

  it("maps a teacher value of the role claim (a list) and follows the provider's changes at the next login", async () => {
    await browserLogin({ sub: "subject-grace", preferred_username: "ghopper", name: "Grace Hopper", role: ["staff"] });
    const { managerJar } = await browserLogin({
      sub: "subject-grace",
      preferred_username: "ghopper",
      name: "Rear Admiral Grace Hopper",
      email: "grace@school.test",
      role: ["staff", "cs"],
    });
    expect((await me(managerJar)).json()).toMatchObject({
      username: "ghopper",
      displayName: "Rear Admiral Grace Hopper",
      email: "grace@school.test",
      role: "teacher",
    });
    const rows = await database.db.selectFrom("users").select("id").where("username", "=", "ghopper").execute();
    expect(rows).toHaveLength(1);
  });

  it("lets an invited person claim their account by username on first login, keeping the invitation's rights", async () => {
    const admin = await services.auth.createUser({
      username: "admin",
      password: "a password long enough",
      isSuperuser: true,
    });
    const invited = await services.users.invite(admin, {
      username: "newteacher",
      role: "teacher",
      graduationYear: null,
      isSuperuser: true,
    });
    expect(invited.lastLoginAt).toBeNull();
    const { callback, managerJar } = await browserLogin({
      sub: "subject-newteacher",
      preferred_username: "newteacher",
      name: "New Teacher",
    });
    expect(callback.statusCode, callback.body).toBe(302);
    const who = (await me(managerJar)).json();
    expect(who).toMatchObject({
      id: invited.id,
      username: "newteacher",
      displayName: "New Teacher",
      isSuperuser: true,
    });
    expect(who.role).toBe("teacher"); // no role claim: the invitation's role stays
    const row = await database.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", invited.id)
      .executeTakeFirstOrThrow();
    expect(row.oidc_subject).toBe("subject-newteacher");
  });

  it("does not take over an account that already logs in with a password", async () => {
    await services.auth.createUser({ username: "pwuser", password: "a password long enough", isSuperuser: false });
    await services.auth.login("pwuser", "a password long enough");
    const { callback, managerJar } = await browserLogin({ sub: "subject-intruder", preferred_username: "pwuser" });
    expectBackToLogin(callback, "OIDC_ACCOUNT_CONFLICT");
    expect(managerJar.get("director_session")).toBeUndefined();
  });

  it("refuses a disabled account", async () => {
    await browserLogin({ sub: "subject-gone", preferred_username: "gone" });
    await database.db.updateTable("users").set({ is_active: false }).where("username", "=", "gone").execute();
    const { callback, managerJar } = await browserLogin({ sub: "subject-gone", preferred_username: "gone" });
    expectBackToLogin(callback, "ACCOUNT_DISABLED");
    expect(managerJar.get("director_session")).toBeUndefined();
  });

  it("refuses an answer whose state does not match, and a callback without the state cookie", async () => {
    const { callback } = await browserLogin({ sub: "subject-eve", preferred_username: "eve" }, (path) =>
      path.replace(/state=[^&]+/, "state=forged"),
    );
    expectBackToLogin(callback, "OIDC_STATE_INVALID");
    const bare = await app.inject({ method: "GET", url: "/api/auth/oidc/callback?code=x&state=y" });
    expectBackToLogin(bare, "OIDC_STATE_INVALID");
    expect(await database.db.selectFrom("users").select("id").where("username", "=", "eve").execute()).toEqual([]);
  });

  it("refuses a username the provider sends that is not a valid Director username", async () => {
    const { callback } = await browserLogin({ sub: "subject-bad", preferred_username: "not a username!" });
    expectBackToLogin(callback, "OIDC_LOGIN_FAILED");
  });

  it("says OIDC_PROVIDER_UNAVAILABLE when the issuer does not answer, and OIDC_NOT_CONFIGURED without one", async () => {
    const broken = await buildTestManagerApp(database, {
      config: testManagerConfig({
        oidc: { issuer: "http://127.0.0.1:1", clientId: "x", clientSecret: "x".repeat(16), redirectUrl },
      }),
    });
    const unavailable = await broken.app.inject({ method: "GET", url: "/api/auth/oidc/start" });
    expectBackToLogin(unavailable, "OIDC_PROVIDER_UNAVAILABLE");
    await broken.app.close();

    const plain = await buildTestManagerApp(database);
    const start = await plain.app.inject({ method: "GET", url: "/api/auth/oidc/start" });
    expectBackToLogin(start, "OIDC_NOT_CONFIGURED");
    expect((await plain.app.inject({ method: "GET", url: "/api/auth/options" })).json()).toEqual({
      password: true,
      oidc: null,
    });
    await plain.app.close();
  });
});
