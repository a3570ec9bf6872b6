/**
 * Login through a plain OAuth2 provider with a profile API, as TJHSST's Ion offers it (OpenID Connect is off
 * there), end to end against a real OAuth2 server (oidc-provider asked for the `read` scope alone: no ID token,
 * only an access token its `/api/profile` takes) and a real PostgreSQL. The profiles are shaped as Ion's.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import {
  startTestOidcProvider,
  type TestOidcClaims,
  type TestOidcProvider,
} from "@director/testing/test-oidc-provider";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OAuth2Config } from "../../config-login.js";
import {
  type CookieJar,
  expectBackToLogin,
  browserLogin as runBrowserLogin,
  testRedirectUrl,
} from "../../testing/provider-login.js";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";

/** An Ion profile (`sub` is the test server's account id; the profile API answers the rest). */
function ionProfile(id: number, username: string, more: Record<string, unknown> = {}): TestOidcClaims {
  return {
    sub: `account-${id}`,
    id,
    ion_username: username,
    display_name: username,
    full_name: `Full ${username}`,
    first_name: "First",
    last_name: "Last",
    tj_email: `${username}@tjhsst.test`,
    emails: [{ address: `${username}@example.test` }],
    graduation_year: 2027,
    user_type: "student",
    is_student: true,
    is_teacher: false,
    ...more,
  };
}

describe("plain OAuth2 login with a profile API (Ion)", () => {
  let database: ServerTestDatabase;
  let provider: TestOidcProvider;
  let app: FastifyInstance;
  let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];

  const oauth2 = (more: Partial<OAuth2Config> = {}) => ({
    authorizeUrl: provider.authorizeUrl,
    tokenUrl: provider.tokenUrl,
    profileUrl: provider.profileUrl,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUrl: testRedirectUrl,
    ...more,
  });

  beforeAll(async () => {
    database = await createServerTestDatabase();
    provider = await startTestOidcProvider({ redirectUrl: testRedirectUrl });
    ({ app, services } = await buildTestManagerApp(database, { config: testManagerConfig({ oauth2: oauth2() }) }));
  });

  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await database?.drop();
  });

  const browserLogin = (claims: TestOidcClaims, manager: FastifyInstance = app) =>
    runBrowserLogin({ manager, provider, claims });
  const me = (jar: CookieJar) => app.inject({ method: "GET", url: "/api/auth/me", headers: { cookie: jar.header() } });

  it("asks for the configured scope with PKCE and no OpenID, creates the account from Ion's profile and logs it in", async () => {
    const { callback, managerJar, authorizationUrl } = await browserLogin(ionProfile(1001, "2027ALovelace"));
    expect(authorizationUrl.href.startsWith(provider.authorizeUrl)).toBe(true);
    expect(authorizationUrl.searchParams.get("scope")).toBe("read");
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl.searchParams.has("nonce")).toBe(false);
    expect(callback.statusCode, callback.body).toBe(302);
    expect(callback.headers.location).toBe("/");
    const who = (await me(managerJar)).json();
    expect(who).toMatchObject({
      username: "2027alovelace",
      displayName: "Full 2027ALovelace",
      email: "2027ALovelace@tjhsst.test",
      role: "student",
      graduationYear: 2027,
      isSuperuser: false,
    });
    const row = await database.db
      .selectFrom("users")
      .select("oidc_subject")
      .where("username", "=", "2027alovelace")
      .executeTakeFirstOrThrow();
    expect(row.oidc_subject).toBe("1001"); // Ion's numeric id, not the username, identifies the person
    const audit = await database.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("target", "=", "user:2027alovelace")
      .execute();
    expect(audit).toContainEqual({ action: "user.create", details: { method: "oauth2", role: "student" } });
  });

  it("makes a counselor a teacher and follows the profile's changes at the next login, by id", async () => {
    await browserLogin(ionProfile(1002, "mhamilton", { user_type: "counselor", graduation_year: null }));
    const { managerJar } = await browserLogin(
      ionProfile(1002, "mhamilton", { user_type: "teacher", full_name: "Margaret Hamilton", graduation_year: null }),
    );
    expect((await me(managerJar)).json()).toMatchObject({
      username: "mhamilton",
      displayName: "Margaret Hamilton",
      role: "teacher",
      graduationYear: null,
    });
    const rows = await database.db.selectFrom("users").select("id").where("oidc_subject", "=", "1002").execute();
    expect(rows).toHaveLength(1);
  });

  it("lets an invited person claim their account by username, and never takes over a password account", async () => {
    const admin = await services.auth.createUser({
      username: "admin",
      password: "a password long enough",
      isSuperuser: true,
    });
    const invited = await services.users.invite(admin, {
      username: "2026kjohnson",
      role: "student",
      graduationYear: 2026,
      isSuperuser: false,
    });
    const claimed = await browserLogin(ionProfile(1003, "2026kjohnson", { graduation_year: 2026 }));
    expect(claimed.callback.statusCode, claimed.callback.body).toBe(302);
    expect((await me(claimed.managerJar)).json()).toMatchObject({ id: invited.id, username: "2026kjohnson" });

    await services.auth.createUser({ username: "pwuser", password: "a password long enough", isSuperuser: false });
    await services.auth.login("pwuser", "a password long enough");
    const taken = await browserLogin(ionProfile(1004, "pwuser"));
    expectBackToLogin(taken.callback, "OIDC_ACCOUNT_CONFLICT");
    expect(taken.managerJar.get("director_session")).toBeUndefined();
  });

  it("refuses a disabled account and a forged state", async () => {
    await browserLogin(ionProfile(1005, "gone"));
    await database.db.updateTable("users").set({ is_active: false }).where("username", "=", "gone").execute();
    expectBackToLogin((await browserLogin(ionProfile(1005, "gone"))).callback, "ACCOUNT_DISABLED");

    const forged = await runBrowserLogin({
      manager: app,
      provider,
      claims: ionProfile(1006, "eve"),
      tamper: (path) => path.replace(/state=[^&]+/, "state=forged"),
    });
    expectBackToLogin(forged.callback, "OIDC_STATE_INVALID");
    expect(await database.db.selectFrom("users").select("id").where("username", "=", "eve").execute()).toEqual([]);
  });

  it.each<[string, number, string, string]>([
    ["a profile API that fails", 503, "{}", "OIDC_PROVIDER_UNAVAILABLE"],
    ["a profile API that refuses the token", 403, '{"detail":"no"}', "OIDC_LOGIN_FAILED"],
    ["a profile that is not JSON", 200, "<html>maintenance</html>", "OIDC_LOGIN_FAILED"],
    ["a profile that is a list", 200, "[1,2]", "OIDC_LOGIN_FAILED"],
    ["a profile without a username", 200, '{"id": 1007, "full_name": "Nobody"}', "OIDC_LOGIN_FAILED"],
    ["a profile without an id", 200, '{"ion_username": "noid"}', "OIDC_LOGIN_FAILED"],
  ])("sends the browser back to the login page for %s (%s)", async (_what, status, body, code) => {
    provider.breakNextProfile(status, body);
    const { callback, managerJar } = await browserLogin(ionProfile(1007, "broken"));
    expectBackToLogin(callback, code);
    expect(managerJar.get("director_session")).toBeUndefined();
    expect(await database.db.selectFrom("users").select("id").where("username", "=", "broken").execute()).toEqual([]);
  });

  it("logs in without PKCE when it is turned off, and reads other fields by dotted paths", async () => {
    const custom = await buildTestManagerApp(database, {
      config: testManagerConfig({
        oauth2: {
          ...oauth2(),
          usePkce: false,
          fields: { email: "emails.0.address", role: "is_teacher", teacherValues: ["true"] },
        },
      }),
    });
    try {
      const { callback, managerJar, authorizationUrl } = await browserLogin(
        ionProfile(1008, "ghopper", { is_teacher: true, user_type: "user" }),
        custom.app,
      );
      expect(authorizationUrl.searchParams.has("code_challenge")).toBe(false);
      expect(callback.statusCode, callback.body).toBe(302);
      const who = await custom.app.inject({
        method: "GET",
        url: "/api/auth/me",
        headers: { cookie: managerJar.header() },
      });
      expect(who.json()).toMatchObject({ username: "ghopper", email: "ghopper@example.test", role: "teacher" });
    } finally {
      await custom.app.close();
    }
  });

  it("says OIDC_LOGIN_FAILED when the token endpoint refuses the client, OIDC_PROVIDER_UNAVAILABLE when it is down", async () => {
    const wrongSecret = await buildTestManagerApp(database, {
      config: testManagerConfig({ oauth2: oauth2({ clientSecret: "not-the-client-secret" }) }),
    });
    const down = await buildTestManagerApp(database, {
      config: testManagerConfig({ oauth2: oauth2({ tokenUrl: "http://127.0.0.1:1/token" }) }),
    });
    try {
      expectBackToLogin(
        (await browserLogin(ionProfile(1009, "nobody"), wrongSecret.app)).callback,
        "OIDC_LOGIN_FAILED",
      );
      expectBackToLogin(
        (await browserLogin(ionProfile(1009, "nobody"), down.app)).callback,
        "OIDC_PROVIDER_UNAVAILABLE",
      );
    } finally {
      await wrongSecret.app.close();
      await down.app.close();
    }
    expect((await app.inject({ method: "GET", url: "/api/auth/options" })).json()).toEqual({
      password: true,
      oidc: { startUrl: "/api/auth/oidc/start" },
    });
  });
});
