/**
 * The manager's configuration: the only reader of process.env in this app.
 * Every variable has a unit in its name where it has one, a safe default, and a doc comment.
 */
import path from "node:path";
import { defaultReservedSiteNames } from "@director/domain/site-name";
import { z } from "zod";

const durationMs = z.coerce.number().int().min(1);
/** apps/manager-web/dist in this checkout (the manager runs from its sources with tsx). */
const defaultWebDistDir = path.resolve(import.meta.dirname, "..", "..", "manager-web", "dist");

export const managerConfigSchema = z.object({
  http: z.object({
    /** DIRECTOR_MANAGER_HOST: address the API/UI listens on */
    host: z.string().default("127.0.0.1"),
    /** DIRECTOR_MANAGER_PORT */
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /** DIRECTOR_COOKIE_SECURE: send the session cookie only over HTTPS (turn on behind TLS) */
    isCookieSecure: z.coerce.boolean().default(false),
  }),
  /** DATABASE_URL: PostgreSQL connection string */
  databaseUrl: z.string().min(1),
  sites: z.object({
    /** DIRECTOR_SITES_DOMAIN: sites are served at <name>.<domain> */
    domain: z.string().default("sites.localhost"),
    /** DIRECTOR_SITES_URL_TEMPLATE: the public URL of a site; {name} is replaced */
    urlTemplate: z.string().default("http://{name}.sites.localhost:8081/"),
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
  }),
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

/** Reads the manager's configuration from the environment; throws one error listing every problem. */
export function loadManagerConfig(env: NodeJS.ProcessEnv): ManagerConfig {
  return managerConfigSchema.parse({
    http: {
      host: env.DIRECTOR_MANAGER_HOST,
      port: env.DIRECTOR_MANAGER_PORT,
      isCookieSecure: env.DIRECTOR_COOKIE_SECURE,
    },
    databaseUrl: env.DATABASE_URL,
    sites: {
      domain: env.DIRECTOR_SITES_DOMAIN,
      urlTemplate: env.DIRECTOR_SITES_URL_TEMPLATE,
      reservedNames: list(env.DIRECTOR_RESERVED_SITE_NAMES),
      reservedPatterns: list(env.DIRECTOR_RESERVED_SITE_PATTERNS),
      clientBodyLimitBytes: env.DIRECTOR_SITE_BODY_LIMIT_BYTES,
    },
    files: { maxUploadBytes: env.DIRECTOR_MAX_UPLOAD_BYTES },
    sessions: { ttlMs: env.DIRECTOR_SESSION_TTL_MS },
    orchestrator: { url: env.DIRECTOR_ORCHESTRATOR_URL, token: env.DIRECTOR_ORCHESTRATOR_TOKEN },
    router: { url: env.DIRECTOR_ROUTER_URL, token: env.DIRECTOR_ROUTER_TOKEN },
    mail: { smtpUrl: env.DIRECTOR_SMTP_URL || undefined, from: env.DIRECTOR_MAIL_FROM || undefined },
    web: { distDir: env.DIRECTOR_WEB_DIST_DIR || undefined },
    worker: {
      leaseMs: env.DIRECTOR_WORKER_LEASE_MS,
      pollIntervalMs: env.DIRECTOR_WORKER_POLL_MS,
      maxStepAttempts: env.DIRECTOR_STEP_MAX_ATTEMPTS,
      retryBaseDelayMs: env.DIRECTOR_STEP_RETRY_BASE_MS,
    },
  });
}
