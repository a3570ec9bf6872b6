/**
 * The manager's configuration: the only reader of process.env in this app.
 * Every variable has a unit in its name where it has one, a safe default, and a doc comment.
 */
import { isIP } from "node:net";
import path from "node:path";
import { defaultReservedSiteNames } from "@director/domain/site-name";
import { z } from "zod";

const durationMs = z.coerce.number().int().min(1);
/** apps/manager-web/dist in this checkout (the manager runs from its sources with tsx). */
const defaultWebDistDir = path.resolve(import.meta.dirname, "..", "..", "manager-web", "dist");

/**
 * A yes/no variable: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`. Anything else is refused (a plain
 * `Boolean("false")` would be true: a cookie meant to be secure must not silently be the other way round).
 */
const flag = z.union([z.boolean(), z.stringbool()]);

/** An IPv4/IPv6 address or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
const addressOrRange = z.string().refine((value) => {
  const [address = "", bits, ...rest] = value.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^[0-9]{1,3}$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}, "an IP address or a CIDR range, e.g. 10.0.0.5 or 10.0.0.0/8");

/** A comma-separated list in the environment, e.g. `teacher,staff`. */
const nonEmptyList = z.array(z.string().min(1)).min(1);

/**
 * Login with the institution's identity provider (OpenID Connect, authorization code + PKCE). Present only when
 * DIRECTOR_OIDC_ISSUER is set; then the client id, secret and redirect URL are required.
 */
export const oidcConfigSchema = z.object({
  /** DIRECTOR_OIDC_ISSUER: the provider's issuer URL; its /.well-known/openid-configuration is read on first use */
  issuer: z.string().url(),
  /** DIRECTOR_OIDC_CLIENT_ID */
  clientId: z.string().min(1),
  /** DIRECTOR_OIDC_CLIENT_SECRET: also the key that signs the short-lived login-state cookie */
  clientSecret: z.string().min(8),
  /** DIRECTOR_OIDC_REDIRECT_URL: this manager's callback as registered at the provider, e.g. https://director.school.edu/api/auth/oidc/callback */
  redirectUrl: z.string().url(),
  /** DIRECTOR_OIDC_SCOPES */
  scopes: z.string().default("openid profile email"),
  /** DIRECTOR_OIDC_TOKEN_AUTH: how the client authenticates at the token endpoint (RFC 6749 §2.3.1): basic or post */
  tokenAuthMethod: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
  claims: z
    .object({
      /** DIRECTOR_OIDC_USERNAME_CLAIM: becomes the Director username (lowercased; must be a valid username) */
      username: z.string().min(1).default("preferred_username"),
      /** DIRECTOR_OIDC_NAME_CLAIM: the full name; without it, given and family names are joined */
      name: z.string().min(1).default("name"),
      /** DIRECTOR_OIDC_GIVEN_NAME_CLAIM */
      givenName: z.string().min(1).default("given_name"),
      /** DIRECTOR_OIDC_FAMILY_NAME_CLAIM */
      familyName: z.string().min(1).default("family_name"),
      /** DIRECTOR_OIDC_EMAIL_CLAIM */
      email: z.string().min(1).default("email"),
      /** DIRECTOR_OIDC_ROLE_CLAIM: a string or a list of strings (groups) */
      role: z.string().min(1).default("role"),
      /** DIRECTOR_OIDC_TEACHER_VALUES: values of the role claim that make a teacher (checked first) */
      teacherValues: nonEmptyList.default(["teacher", "staff"]),
      /** DIRECTOR_OIDC_STUDENT_VALUES: values of the role claim that make a student; anything else is a student too */
      studentValues: nonEmptyList.default(["student"]),
      /** DIRECTOR_OIDC_GRADUATION_YEAR_CLAIM: a number or a numeric string */
      graduationYear: z.string().min(1).default("graduation_year"),
    })
    .prefault({}),
});
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

export const managerConfigSchema = z.object({
  http: z.object({
    /** DIRECTOR_MANAGER_HOST: address the API/UI listens on */
    host: z.string().default("127.0.0.1"),
    /** DIRECTOR_MANAGER_PORT */
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /** DIRECTOR_COOKIE_SECURE: send the session cookie only over HTTPS (turn on behind TLS) */
    isCookieSecure: flag.default(false),
    /**
     * DIRECTOR_TRUSTED_PROXIES: the reverse proxies in front of the manager (addresses or CIDR ranges,
     * comma-separated), whose X-Forwarded-For names the client. Without it every request behind a proxy comes from
     * the proxy's address, and the login limit per address would lock out everyone at once.
     */
    trustedProxies: z.array(addressOrRange).default([]),
  }),
  /** DATABASE_URL: PostgreSQL connection string */
  databaseUrl: z.string().min(1),
  sites: z.object({
    /** DIRECTOR_SITES_DOMAIN: sites are served at <name>.<domain> */
    domain: z.string().default("sites.localhost"),
    /** DIRECTOR_SITES_URL_TEMPLATE: the public URL of a site; {name} is replaced */
    urlTemplate: z.string().default("http://{name}.sites.localhost:8081/"),
    /**
     * DIRECTOR_SITES_URL_TEMPLATE_PERSONAL, _PROJECT, _ACTIVITY, _OTHER: the public URL of sites of that purpose when
     * it differs from the default (e.g. `https://activities.school.edu/{name}/`); unset: the default template. Only
     * the URL Director shows changes: a front end in front of the router must map such a URL to the site's host.
     */
    urlTemplatesByPurpose: z
      .object({
        personal: z.string().includes("{name}").optional(),
        project: z.string().includes("{name}").optional(),
        activity: z.string().includes("{name}").optional(),
        other: z.string().includes("{name}").optional(),
      })
      .prefault({}),
    reservedNames: z.array(z.string()).default([...defaultReservedSiteNames.names]),
    reservedPatterns: z.array(z.string()).default([...defaultReservedSiteNames.patterns]),
    /** DIRECTOR_SITE_BODY_LIMIT_BYTES: default request body limit of a site (nginx client_max_body_size) */
    clientBodyLimitBytes: z.coerce
      .number()
      .int()
      .min(0)
      .default(2 * 1024 * 1024),
  }),
  files: z.object({
    /** DIRECTOR_MAX_UPLOAD_BYTES: the largest file one upload may carry */
    maxUploadBytes: z.coerce
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * 1024),
  }),
  sessions: z.object({
    /** DIRECTOR_SESSION_TTL_MS: how long a login lasts */
    ttlMs: durationMs.default(14 * 24 * 3600 * 1000),
    /** DIRECTOR_LOGIN_MAX_PER_IP: password login attempts one client address may make per window */
    loginMaxPerIp: z.coerce.number().int().min(1).default(30),
    /** DIRECTOR_LOGIN_MAX_PER_USERNAME: password login attempts for one username per window, from anywhere */
    loginMaxPerUsername: z.coerce.number().int().min(1).default(10),
    /** DIRECTOR_LOGIN_WINDOW_MS: the window of both login limits */
    loginWindowMs: durationMs.default(5 * 60_000),
  }),
  accountLimits: z
    .object({
      /** DIRECTOR_SITE_REQUEST_MAX_PER_ACCOUNT: site requests one account may make per window (each mails a teacher) */
      siteRequestMaxPerAccount: z.coerce.number().int().min(1).default(10),
      /** DIRECTOR_INVITE_MAX_PER_ACCOUNT: unknown usernames one account may add to sites per window (each is invited) */
      inviteMaxPerAccount: z.coerce.number().int().min(1).default(30),
      /** DIRECTOR_ACCOUNT_LIMIT_WINDOW_MS: the window of both limits; administrators are not limited */
      windowMs: durationMs.default(60 * 60_000),
    })
    .prefault({}),
  logStreams: z
    .object({
      /**
       * DIRECTOR_LOG_STREAMS_PER_ACCOUNT: site logs one account may follow at once (GET /api/sites/:name/logs/events);
       * each holds a connection here, one to the orchestrator and one to Docker
       */
      maxPerAccount: z.coerce.number().int().min(1).default(10),
      /** DIRECTOR_LOG_STREAMS_TOTAL: site logs this manager follows at once for everyone */
      maxTotal: z.coerce.number().int().min(1).default(500),
    })
    .prefault({}),
  oidc: oidcConfigSchema.optional(),
  guidelines: z
    .object({
      /**
       * DIRECTOR_GUIDELINES_FILE: a UTF-8 text file with the guidelines every person accepts, again whenever its text
       * changes (features/guidelines/current-guidelines.ts); unset: a built-in text
       */
      filePath: z.string().min(1).optional(),
    })
    .prefault({}),
  metrics: z
    .object({
      /** DIRECTOR_METRICS_TOKEN: the bearer token of GET /metrics (Prometheus); unset: no /metrics route */
      token: z.string().min(16).optional(),
    })
    .prefault({}),
  orchestrator: z.object({
    /** DIRECTOR_ORCHESTRATOR_URL */
    url: z.string().url(),
    /** DIRECTOR_ORCHESTRATOR_TOKEN */
    token: z.string().min(32),
  }),
  router: z.object({
    /** DIRECTOR_ROUTER_URL */
    url: z.string().url(),
    /** DIRECTOR_ROUTER_TOKEN */
    token: z.string().min(32),
  }),
  mail: z
    .object({
      /** DIRECTOR_SMTP_URL: e.g. smtp://mail.school.edu:587; unset: mail is written to the manager's log instead */
      smtpUrl: z.string().url().optional(),
      /** DIRECTOR_MAIL_FROM: the sender of every message */
      from: z.string().min(3).default("Director <director@localhost>"),
    })
    .prefault({}),
  web: z
    .object({
      /** DIRECTOR_WEB_DIST_DIR: the built web interface served at `/` (`scripts/setup-host.sh --web` builds it) */
      distDir: z.string().min(1).default(defaultWebDistDir),
    })
    .prefault({}),
  worker: z.object({
    /** DIRECTOR_WORKER_LEASE_MS: a claimed operation whose worker stops renewing for this long is taken over */
    leaseMs: durationMs.default(30_000),
    /** DIRECTOR_WORKER_POLL_MS: how often an idle worker looks for work it was not woken for */
    pollIntervalMs: durationMs.default(2_000),
    /** DIRECTOR_STEP_MAX_ATTEMPTS: tries of a step that fails for an operational reason (a component down) */
    maxStepAttempts: z.coerce.number().int().min(1).max(100).default(8),
    /** DIRECTOR_STEP_RETRY_BASE_MS: first retry delay; doubles each try, capped at 30 s */
    retryBaseDelayMs: durationMs.default(500),
  }),
});

export type ManagerConfig = z.infer<typeof managerConfigSchema>;

const list = (value: string | undefined) =>
  value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * The sections about people (the session cookie and the proxies in front, sessions and login limits, the limits per
 * account, followed logs, the identity provider, guidelines, metrics, mail) as read from the environment, unparsed:
 * `director up` reads them too, so they
 * work the same in one process.
 */
export function accountSettingsFromEnv(env: NodeJS.ProcessEnv) {
  return {
    http: {
      isCookieSecure: env.DIRECTOR_COOKIE_SECURE || undefined,
      trustedProxies: list(env.DIRECTOR_TRUSTED_PROXIES),
    },
    sessions: {
      ttlMs: env.DIRECTOR_SESSION_TTL_MS,
      loginMaxPerIp: env.DIRECTOR_LOGIN_MAX_PER_IP,
      loginMaxPerUsername: env.DIRECTOR_LOGIN_MAX_PER_USERNAME,
      loginWindowMs: env.DIRECTOR_LOGIN_WINDOW_MS,
    },
    accountLimits: {
      siteRequestMaxPerAccount: env.DIRECTOR_SITE_REQUEST_MAX_PER_ACCOUNT || undefined,
      inviteMaxPerAccount: env.DIRECTOR_INVITE_MAX_PER_ACCOUNT || undefined,
      windowMs: env.DIRECTOR_ACCOUNT_LIMIT_WINDOW_MS || undefined,
    },
    logStreams: {
      maxPerAccount: env.DIRECTOR_LOG_STREAMS_PER_ACCOUNT || undefined,
      maxTotal: env.DIRECTOR_LOG_STREAMS_TOTAL || undefined,
    },
    oidc: env.DIRECTOR_OIDC_ISSUER
      ? {
          issuer: env.DIRECTOR_OIDC_ISSUER,
          clientId: env.DIRECTOR_OIDC_CLIENT_ID,
          clientSecret: env.DIRECTOR_OIDC_CLIENT_SECRET,
          redirectUrl: env.DIRECTOR_OIDC_REDIRECT_URL,
          scopes: env.DIRECTOR_OIDC_SCOPES || undefined,
          tokenAuthMethod: env.DIRECTOR_OIDC_TOKEN_AUTH || undefined,
          claims: {
            username: env.DIRECTOR_OIDC_USERNAME_CLAIM || undefined,
            name: env.DIRECTOR_OIDC_NAME_CLAIM || undefined,
            givenName: env.DIRECTOR_OIDC_GIVEN_NAME_CLAIM || undefined,
            familyName: env.DIRECTOR_OIDC_FAMILY_NAME_CLAIM || undefined,
            email: env.DIRECTOR_OIDC_EMAIL_CLAIM || undefined,
            role: env.DIRECTOR_OIDC_ROLE_CLAIM || undefined,
            teacherValues: env.DIRECTOR_OIDC_TEACHER_VALUES ? list(env.DIRECTOR_OIDC_TEACHER_VALUES) : undefined,
            studentValues: env.DIRECTOR_OIDC_STUDENT_VALUES ? list(env.DIRECTOR_OIDC_STUDENT_VALUES) : undefined,
            graduationYear: env.DIRECTOR_OIDC_GRADUATION_YEAR_CLAIM || undefined,
          },
        }
      : undefined,
    guidelines: { filePath: env.DIRECTOR_GUIDELINES_FILE || undefined },
    metrics: { token: env.DIRECTOR_METRICS_TOKEN || undefined },
    mail: { smtpUrl: env.DIRECTOR_SMTP_URL || undefined, from: env.DIRECTOR_MAIL_FROM || undefined },
  };
}

/** Reads the manager's configuration from the environment; throws one error listing every problem. */
export function loadManagerConfig(env: NodeJS.ProcessEnv): ManagerConfig {
  const accounts = accountSettingsFromEnv(env);
  return managerConfigSchema.parse({
    ...accounts,
    http: { host: env.DIRECTOR_MANAGER_HOST, port: env.DIRECTOR_MANAGER_PORT, ...accounts.http },
    databaseUrl: env.DATABASE_URL,
    sites: {
      domain: env.DIRECTOR_SITES_DOMAIN,
      urlTemplate: env.DIRECTOR_SITES_URL_TEMPLATE,
      urlTemplatesByPurpose: {
        personal: env.DIRECTOR_SITES_URL_TEMPLATE_PERSONAL || undefined,
        project: env.DIRECTOR_SITES_URL_TEMPLATE_PROJECT || undefined,
        activity: env.DIRECTOR_SITES_URL_TEMPLATE_ACTIVITY || undefined,
        other: env.DIRECTOR_SITES_URL_TEMPLATE_OTHER || undefined,
      },
      reservedNames: list(env.DIRECTOR_RESERVED_SITE_NAMES),
      reservedPatterns: list(env.DIRECTOR_RESERVED_SITE_PATTERNS),
      clientBodyLimitBytes: env.DIRECTOR_SITE_BODY_LIMIT_BYTES,
    },
    files: { maxUploadBytes: env.DIRECTOR_MAX_UPLOAD_BYTES },
    orchestrator: { url: env.DIRECTOR_ORCHESTRATOR_URL, token: env.DIRECTOR_ORCHESTRATOR_TOKEN },
    router: { url: env.DIRECTOR_ROUTER_URL, token: env.DIRECTOR_ROUTER_TOKEN },
    web: { distDir: env.DIRECTOR_WEB_DIST_DIR || undefined },
    worker: {
      leaseMs: env.DIRECTOR_WORKER_LEASE_MS,
      pollIntervalMs: env.DIRECTOR_WORKER_POLL_MS,
      maxStepAttempts: env.DIRECTOR_STEP_MAX_ATTEMPTS,
      retryBaseDelayMs: env.DIRECTOR_STEP_RETRY_BASE_MS,
    },
  });
}
