import { describe, expect, it } from "vitest";
import { loadManagerConfig } from "./config.js";

const required = {
  DATABASE_URL: "postgres://x",
  DIRECTOR_ORCHESTRATOR_URL: "http://127.0.0.1:1",
  DIRECTOR_ORCHESTRATOR_TOKEN: "x".repeat(32),
  DIRECTOR_ROUTER_URL: "http://127.0.0.1:2",
  DIRECTOR_ROUTER_TOKEN: "y".repeat(32),
};

describe("loadManagerConfig", () => {
  it("reads a yes/no variable strictly: 'false' and '0' mean no, a typo is refused", () => {
    expect(loadManagerConfig({ ...required }).http.isCookieSecure).toBe(false);
    expect(loadManagerConfig({ ...required, DIRECTOR_COOKIE_SECURE: "true" }).http.isCookieSecure).toBe(true);
    expect(loadManagerConfig({ ...required, DIRECTOR_COOKIE_SECURE: "1" }).http.isCookieSecure).toBe(true);
    expect(loadManagerConfig({ ...required, DIRECTOR_COOKIE_SECURE: "false" }).http.isCookieSecure).toBe(false);
    expect(loadManagerConfig({ ...required, DIRECTOR_COOKIE_SECURE: "0" }).http.isCookieSecure).toBe(false);
    expect(() => loadManagerConfig({ ...required, DIRECTOR_COOKIE_SECURE: "ture" })).toThrow();
  });

  it("reads the trusted proxies as addresses and CIDR ranges, and refuses anything else", () => {
    expect(loadManagerConfig({ ...required }).http.trustedProxies).toEqual([]);
    expect(
      loadManagerConfig({ ...required, DIRECTOR_TRUSTED_PROXIES: "10.0.0.5, 10.1.0.0/16,fd00::/8" }).http
        .trustedProxies,
    ).toEqual(["10.0.0.5", "10.1.0.0/16", "fd00::/8"]);
    for (const bad of ["proxy.school.edu", "10.0.0.0/33", "10.0.0.0/8/1", "10.0.0.0/x", "*"]) {
      expect(() => loadManagerConfig({ ...required, DIRECTOR_TRUSTED_PROXIES: bad }), bad).toThrow(/CIDR/);
    }
  });

  it("reads the limits per account, with their defaults, and refuses a limit that is not a positive whole number", () => {
    expect(loadManagerConfig({ ...required }).accountLimits).toEqual({
      siteRequestMaxPerAccount: 10,
      inviteMaxPerAccount: 30,
      windowMs: 3_600_000,
    });
    const set = loadManagerConfig({
      ...required,
      DIRECTOR_SITE_REQUEST_MAX_PER_ACCOUNT: "3",
      DIRECTOR_INVITE_MAX_PER_ACCOUNT: "100",
      DIRECTOR_ACCOUNT_LIMIT_WINDOW_MS: "86400000",
    });
    expect(set.accountLimits).toEqual({ siteRequestMaxPerAccount: 3, inviteMaxPerAccount: 100, windowMs: 86_400_000 });
    expect(() => loadManagerConfig({ ...required, DIRECTOR_INVITE_MAX_PER_ACCOUNT: "0" })).toThrow();
    expect(() => loadManagerConfig({ ...required, DIRECTOR_SITE_REQUEST_MAX_PER_ACCOUNT: "many" })).toThrow();
  });

  it("limits followed logs to 10 per account and 500 in all unless told, and refuses a limit below 1", () => {
    expect(loadManagerConfig({ ...required }).logStreams).toEqual({ maxPerAccount: 10, maxTotal: 500 });
    const told = { ...required, DIRECTOR_LOG_STREAMS_PER_ACCOUNT: "3", DIRECTOR_LOG_STREAMS_TOTAL: "40" };
    expect(loadManagerConfig(told).logStreams).toEqual({ maxPerAccount: 3, maxTotal: 40 });
    expect(() => loadManagerConfig({ ...required, DIRECTOR_LOG_STREAMS_PER_ACCOUNT: "0" })).toThrow();
    expect(() => loadManagerConfig({ ...required, DIRECTOR_LOG_STREAMS_TOTAL: "many" })).toThrow();
  });
});

describe("loadManagerConfig's refusal", () => {
  it("lists every problem at once under its variable's name (CONFIG_INVALID), without the secrets' values", () => {
    let thrown: unknown;
    try {
      loadManagerConfig({
        DIRECTOR_ORCHESTRATOR_TOKEN: "too-short-orchestrator-token",
        DIRECTOR_ROUTER_URL: "not a url",
        DIRECTOR_MANAGER_PORT: "http",
        DIRECTOR_OIDC_ISSUER: "https://login.school.edu",
        DIRECTOR_OIDC_CLIENT_SECRET: "short",
        DIRECTOR_METRICS_TOKEN: "tiny-metrics",
        DIRECTOR_SITES_URL_TEMPLATE_ACTIVITY: "https://activities.school.edu/",
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "CONFIG_INVALID" });
    const message = (thrown as Error).message;
    expect(message).toMatch(/^The manager's configuration is invalid:\n- /);
    for (const variable of [
      "DIRECTOR_MANAGER_PORT",
      "DATABASE_URL: is required",
      "DIRECTOR_SITES_URL_TEMPLATE_ACTIVITY",
      "DIRECTOR_OIDC_CLIENT_ID: is required",
      "DIRECTOR_OIDC_CLIENT_SECRET",
      "DIRECTOR_OIDC_REDIRECT_URL: is required",
      "DIRECTOR_METRICS_TOKEN",
      "DIRECTOR_ORCHESTRATOR_URL: is required",
      "DIRECTOR_ORCHESTRATOR_TOKEN",
      "DIRECTOR_ROUTER_URL",
      "DIRECTOR_ROUTER_TOKEN: is required",
    ]) {
      expect(message).toContain(`- ${variable}`);
    }
    for (const secret of ["too-short-orchestrator-token", "tiny-metrics"]) expect(message).not.toContain(secret);
  });

  it("refuses two identity providers at once, and reads the OAuth2 one with Ion's defaults", () => {
    const oauth2 = {
      DIRECTOR_OAUTH2_AUTHORIZE_URL: "https://ion.tjhsst.edu/oauth/authorize/",
      DIRECTOR_OAUTH2_TOKEN_URL: "https://ion.tjhsst.edu/oauth/token/",
      DIRECTOR_OAUTH2_PROFILE_URL: "https://ion.tjhsst.edu/api/profile",
      DIRECTOR_OAUTH2_CLIENT_ID: "director",
      DIRECTOR_OAUTH2_CLIENT_SECRET: "a secret of some length",
      DIRECTOR_OAUTH2_REDIRECT_URL: "https://director.tjhsst.edu/api/auth/oidc/callback",
    };
    const config = loadManagerConfig({ ...required, ...oauth2 });
    expect(config.oidc).toBeUndefined();
    expect(config.oauth2).toMatchObject({
      scopes: "read",
      usePkce: true,
      fields: { subject: "id", username: "ion_username" },
    });
    expect(() =>
      loadManagerConfig({
        ...required,
        ...oauth2,
        DIRECTOR_OIDC_ISSUER: "https://login.school.edu",
        DIRECTOR_OIDC_CLIENT_ID: "director",
        DIRECTOR_OIDC_CLIENT_SECRET: "a secret of some length",
        DIRECTOR_OIDC_REDIRECT_URL: "https://director.school.edu/api/auth/oidc/callback",
      }),
    ).toThrow(/set one identity provider/);
    expect(() => loadManagerConfig({ ...required, DIRECTOR_OAUTH2_AUTHORIZE_URL: "https://ion.tjhsst.edu/" })).toThrow(
      /DIRECTOR_OAUTH2_PROFILE_URL: is required/,
    );
  });
});
