/**
 * The manager's (and the worker's) configuration table: the only reader of process.env in this app. Each variable
 * is written once, with its schema (and so its default) and one line for the README (`npm run docs:config`).
 */
import { isIP } from "node:net";
import path from "node:path";
import { type ConfigOf, sectionWhenSet, variable } from "@director/config/config-table";
import { configInvalidError, configProblems, defineConfig, type Environment } from "@director/config/load-config";
import { defaultReservedSiteNames } from "@director/domain/site-name";
import { z } from "zod";
import { componentsConfigTable, secretsConfigTable } from "./config-components.js";
import { domainsConfigTable } from "./config-domains.js";
import { identityProviderProblems, oauth2Table, oidcTable } from "./config-login.js";
import { metricsConfigTable, siteDatabasesConfigTable, usageConfigTable } from "./config-usage.js";

const durationMs = z.coerce.number().int().min(1);
const count = z.coerce.number().int().min(1);
/**
 * Built (npm run build), this module is part of dist/<program>/<program>.mjs, beside which the build copies the web
 * interface (web/) and the guide (guide/); run from the sources with tsx, they are apps/manager-web/dist and
 * docs/guide in this checkout.
 */
const isBuilt = import.meta.url.endsWith(".mjs");
const defaultWebDistDir = isBuilt
  ? path.join(import.meta.dirname, "web")
  : path.resolve(import.meta.dirname, "..", "..", "manager-web", "dist");
const defaultDocsDir = isBuilt
  ? path.join(import.meta.dirname, "guide")
  : path.resolve(import.meta.dirname, "..", "..", "..", "docs", "guide");

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

/** A site purpose's own public URL; unset: the default template. */
const purposeTemplate = (env: string, purpose: string) =>
  variable({
    env,
    schema: z.string().includes("{name}").optional(),
    doc: `the public URL of ${purpose} sites when it differs (e.g. \`https://activities.school.edu/{name}/\`); only the URL Director shows changes: a front end must map it to the site's host`,
    defaultDoc: "`DIRECTOR_SITES_URL_TEMPLATE`",
  });

export const managerConfigTable = {
  http: {
    host: variable({
      env: "DIRECTOR_MANAGER_HOST",
      schema: z.string().default("127.0.0.1"),
      doc: "address the API and web interface listen on",
    }),
    port: variable({
      env: "DIRECTOR_MANAGER_PORT",
      schema: z.coerce.number().int().min(0).max(65535).default(8080),
      doc: "port of the API and web interface",
    }),
    isCookieSecure: variable({
      env: "DIRECTOR_COOKIE_SECURE",
      schema: flag.default(false),
      doc: "`true` behind HTTPS: the session cookie is `__Host-director_session`, sent over HTTPS only (`true`/`false`, `1`/`0`, `yes`/`no`; else refused)",
    }),
    trustedProxies: variable({
      env: "DIRECTOR_TRUSTED_PROXIES",
      schema: z.array(addressOrRange).default([]),
      doc: "reverse proxies in front of the manager (addresses or CIDR ranges, comma-separated) whose `X-Forwarded-For` names the client; set it behind a proxy, or every login counts against the proxy's one address",
      isList: true,
    }),
  },
  databaseUrl: variable({
    env: "DATABASE_URL",
    schema: z.string().min(1),
    doc: "the PostgreSQL connection string (`postgres://user:password@host:5432/director`)",
    isSecret: true,
  }),
  sites: {
    domain: variable({
      env: "DIRECTOR_SITES_DOMAIN",
      schema: z.string().default("sites.localhost"),
      doc: "sites are `<name>.<domain>`",
    }),
    urlTemplate: variable({
      env: "DIRECTOR_SITES_URL_TEMPLATE",
      schema: z.string().default("http://{name}.sites.localhost:8081/"),
      doc: "the public URL shown for a site; `{name}` is replaced",
    }),
    urlTemplatesByPurpose: {
      personal: purposeTemplate("DIRECTOR_SITES_URL_TEMPLATE_PERSONAL", "personal"),
      project: purposeTemplate("DIRECTOR_SITES_URL_TEMPLATE_PROJECT", "project"),
      activity: purposeTemplate("DIRECTOR_SITES_URL_TEMPLATE_ACTIVITY", "activity"),
      other: purposeTemplate("DIRECTOR_SITES_URL_TEMPLATE_OTHER", "other"),
    },
    reservedNames: variable({
      env: "DIRECTOR_RESERVED_SITE_NAMES",
      schema: z.array(z.string()).default([...defaultReservedSiteNames.names]),
      doc: "site names nobody may take, comma-separated",
      isList: true,
    }),
    reservedPatterns: variable({
      env: "DIRECTOR_RESERVED_SITE_PATTERNS",
      schema: z.array(z.string()).default([...defaultReservedSiteNames.patterns]),
      doc: "regular expressions of site names nobody may take, comma-separated",
      isList: true,
    }),
    clientBodyLimitBytes: variable({
      env: "DIRECTOR_SITE_BODY_LIMIT_BYTES",
      schema: z.coerce
        .number()
        .int()
        .min(0)
        .default(2 * 1024 * 1024),
      doc: "a site's request body limit in bytes (nginx `client_max_body_size`) unless its spec sets one",
    }),
    renamedRedirectDays: variable({
      env: "DIRECTOR_RENAMED_SITE_REDIRECT_DAYS",
      schema: z.coerce.number().int().min(1).max(3650).default(30),
      doc: "how many days a renamed site's old name redirects to its new one (and no new site may take it)",
    }),
    renamedCheckIntervalMs: variable({
      env: "DIRECTOR_RENAMED_SITE_CHECK_INTERVAL_MS",
      schema: z.coerce
        .number()
        .int()
        .min(1000)
        .default(10 * 60_000),
      doc: "how often the worker looks for renamed sites' old names past their redirect days, to free them",
    }),
  },
  domains: domainsConfigTable,
  files: {
    maxUploadBytes: variable({
      env: "DIRECTOR_MAX_UPLOAD_BYTES",
      schema: count.default(10 * 1024 * 1024),
      doc: "the largest file one upload may carry, in bytes",
    }),
    maxDatabaseImportBytes: variable({
      env: "DIRECTOR_MAX_DATABASE_IMPORT_BYTES",
      schema: count.default(100 * 1024 * 1024),
      doc: "the largest dump a site's database import may carry, in bytes; past it 413 `DATABASE_IMPORT_TOO_LARGE` and nothing runs",
    }),
  },
  siteDatabases: siteDatabasesConfigTable,
  usage: usageConfigTable,
  sessions: {
    ttlMs: variable({
      env: "DIRECTOR_SESSION_TTL_MS",
      schema: durationMs.default(14 * 24 * 3600 * 1000),
      doc: "how long a login lasts",
    }),
    loginMaxPerIp: variable({
      env: "DIRECTOR_LOGIN_MAX_PER_IP",
      schema: count.default(30),
      doc: "password login attempts per client address (an IPv6 client: per /64) in the window; then 429 `LOGIN_RATE_LIMITED`",
    }),
    loginMaxPerUsername: variable({
      env: "DIRECTOR_LOGIN_MAX_PER_USERNAME",
      schema: count.default(10),
      doc: "password login attempts per username, from anywhere, in the window; then 429 `LOGIN_RATE_LIMITED`",
    }),
    loginWindowMs: variable({
      env: "DIRECTOR_LOGIN_WINDOW_MS",
      schema: durationMs.default(5 * 60_000),
      doc: "the window of both login limits",
    }),
  },
  redis: {
    url: variable({
      env: "DIRECTOR_REDIS_URL",
      schema: z
        .string()
        .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
        .optional(),
      doc: "Redis every manager and worker shares (`redis://host:6379/0`): login and account limits, live connections and live operation events across them",
      defaultDoc: "none: each manager counts logins in its own memory",
      isSecret: true,
    }),
    keyPrefix: variable({
      env: "DIRECTOR_REDIS_KEY_PREFIX",
      schema: z
        .string()
        .regex(/^[a-z0-9:_-]{1,64}$/, "1 to 64 of a-z, 0-9, `:`, `_` and `-`")
        .default("director:"),
      doc: "the start of every key Director writes in Redis, so that installations may share one",
    }),
  },
  rabbitmq: {
    url: variable({
      env: "DIRECTOR_RABBITMQ_URL",
      schema: z
        .string()
        .regex(/^amqps?:\/\//, "must be an amqp:// or amqps:// URL")
        .optional(),
      doc: "RabbitMQ every manager and worker shares (`amqp://user:password@host:5672/vhost`): operations reach workers through its queue instead of each worker polling the database",
      defaultDoc: "none: workers poll the database (DIRECTOR_WORKER_POLL_MS)",
      isSecret: true,
    }),
    queue: variable({
      env: "DIRECTOR_RABBITMQ_QUEUE",
      schema: z
        .string()
        .regex(/^[a-z0-9._-]{1,200}$/, "1 to 200 of a-z, 0-9, `.`, `_` and `-`")
        .default("director.operations"),
      doc: "the durable queue of operation ids; poison messages go to `<queue>.dead`",
    }),
    waiting: variable({
      env: "DIRECTOR_RABBITMQ_WAITING",
      schema: z.coerce.number().int().min(1).max(1000).default(4),
      doc: "operation ids kept ready in the queue beyond those workers hold: fewer keeps turns fair between people, more keeps many workers fed (1 to 1000)",
    }),
    deliveryLimit: variable({
      env: "DIRECTOR_RABBITMQ_DELIVERY_LIMIT",
      schema: z.coerce.number().int().min(1).max(100).default(5),
      doc: "deliveries of one message before it goes to the dead-letter queue (its operation is sent again later if unfinished)",
    }),
  },
  graduation: {
    openUntil: variable({
      env: "DIRECTOR_GRADUATES_OPEN_UNTIL",
      schema: z
        .string()
        .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, "a month and day, MM-DD")
        .default("07-31"),
      doc: "the day (`MM-DD`, in their graduation year) until which students are told their account stays open, so that they download their sites before it",
    }),
  },
  accountLimits: {
    siteRequestMaxPerAccount: variable({
      env: "DIRECTOR_SITE_REQUEST_MAX_PER_ACCOUNT",
      schema: count.default(10),
      doc: "site requests (each mails a teacher) per account in the window; then 429 `ACCOUNT_RATE_LIMITED`",
    }),
    inviteMaxPerAccount: variable({
      env: "DIRECTOR_INVITE_MAX_PER_ACCOUNT",
      schema: count.default(30),
      doc: "invitations (unknown usernames added to sites) per account in the window; then 429 `ACCOUNT_RATE_LIMITED`",
    }),
    windowMs: variable({
      env: "DIRECTOR_ACCOUNT_LIMIT_WINDOW_MS",
      schema: durationMs.default(60 * 60_000),
      doc: "the window of both limits per account, with `Retry-After` on a refusal; administrators are not limited (they may invite anyone anyway)",
    }),
  },
  logStreams: {
    maxPerAccount: variable({
      env: "DIRECTOR_LOG_STREAMS_PER_ACCOUNT",
      schema: count.default(10),
      doc: "site logs one account may follow at once (`logs/events`; each holds a connection here, one to the orchestrator and one to Docker); then 429 `LOG_STREAM_LIMIT`",
    }),
    maxTotal: variable({
      env: "DIRECTOR_LOG_STREAMS_TOTAL",
      schema: count.default(500),
      doc: "site logs this manager follows at once for everyone; then 429 `LOG_STREAM_LIMIT`",
    }),
  },
  terminals: {
    maxPerAccount: variable({
      env: "DIRECTOR_TERMINALS_PER_ACCOUNT",
      schema: count.default(10),
      doc: "web terminals one account may have open at once; the next closes with 4429 `TERMINAL_LIMIT`",
    }),
    maxTotal: variable({
      env: "DIRECTOR_TERMINALS_TOTAL",
      schema: count.default(300),
      doc: "web terminals this manager holds open at once for everyone (each is a shell in a site's terminal container)",
    }),
    idleTimeoutMs: variable({
      env: "DIRECTOR_TERMINAL_IDLE_TIMEOUT_MS",
      schema: durationMs.default(30 * 60_000),
      doc: "a web terminal with no keystroke and no output for this long closes (4408)",
    }),
    maxDurationMs: variable({
      env: "DIRECTOR_TERMINAL_MAX_DURATION_MS",
      schema: durationMs.default(8 * 60 * 60_000),
      doc: "the longest a web terminal stays open, whatever happens in it (4408); the page offers to reconnect",
    }),
  },
  fileEvents: {
    maxPerAccount: variable({
      env: "DIRECTOR_FILE_EVENTS_PER_ACCOUNT",
      schema: count.default(10),
      doc: "workspaces one account may have following their files at once (`file-events`); then 429 `FILE_EVENTS_LIMIT`",
    }),
    maxTotal: variable({
      env: "DIRECTOR_FILE_EVENTS_TOTAL",
      schema: count.default(300),
      doc: "workspaces this manager follows the files of at once for everyone (each watches up to 64 folders)",
    }),
  },
  oidc: sectionWhenSet("issuer", oidcTable),
  oauth2: sectionWhenSet("authorizeUrl", oauth2Table),
  guidelines: {
    filePath: variable({
      env: "DIRECTOR_GUIDELINES_FILE",
      schema: z.string().min(1).optional(),
      doc: "a UTF-8 text file with the guidelines every person accepts, and accepts again when its text changes",
      defaultDoc: "a built-in text",
    }),
  },
  metrics: metricsConfigTable,
  secrets: secretsConfigTable,
  orchestrator: componentsConfigTable.orchestrator,
  shell: componentsConfigTable.shell,
  router: componentsConfigTable.router,
  mail: {
    smtpUrl: variable({
      env: "DIRECTOR_SMTP_URL",
      schema: z.string().url().optional(),
      doc: "the mail server (`smtp://host:587`, `smtps://user:pass@host`)",
      defaultDoc: "unset: mail is written to the log",
      isSecret: true,
    }),
    from: variable({
      env: "DIRECTOR_MAIL_FROM",
      schema: z.string().min(3).default("Director <director@localhost>"),
      doc: "the sender of every message",
    }),
  },
  web: {
    distDir: variable({
      env: "DIRECTOR_WEB_DIST_DIR",
      schema: z.string().min(1).default(defaultWebDistDir),
      doc: "the built web interface the manager serves at `/` (`scripts/setup-host.sh --web` builds it)",
      defaultDoc: "`apps/manager-web/dist`",
    }),
    docsDir: variable({
      env: "DIRECTOR_DOCS_DIR",
      schema: z.string().min(1).default(defaultDocsDir),
      doc: "the user guide's Markdown pages, served at `/docs` (read at start)",
      defaultDoc: "`docs/guide`",
    }),
  },
  worker: {
    leaseMs: variable({
      env: "DIRECTOR_WORKER_LEASE_MS",
      schema: durationMs.default(30_000),
      doc: "after this long without renewal, a dead worker's operation is taken over",
    }),
    pollIntervalMs: variable({
      env: "DIRECTOR_WORKER_POLL_MS",
      schema: durationMs.default(2_000),
      doc: "how often an idle worker looks for work it was not woken for (how a separate worker finds new operations)",
    }),
    maxStepAttempts: variable({
      env: "DIRECTOR_STEP_MAX_ATTEMPTS",
      schema: z.coerce.number().int().min(1).max(100).default(8),
      doc: "tries of a step that fails for an operational reason (a component down), at most 100",
    }),
    retryBaseDelayMs: variable({
      env: "DIRECTOR_STEP_RETRY_BASE_MS",
      schema: durationMs.default(500),
      doc: "a step's first retry delay; it doubles each try, up to 30 s",
    }),
    probePort: variable({
      env: "DIRECTOR_WORKER_PROBE_PORT",
      schema: z.coerce.number().int().min(1).max(65535).optional(),
      doc: "a worker's port for GET /healthz, GET /readyz and, with DIRECTOR_METRICS_TOKEN, GET /metrics (on DIRECTOR_MANAGER_HOST); a worker serves nothing else",
      defaultDoc: "none: the worker listens on no port",
    }),
    concurrency: variable({
      env: "DIRECTOR_WORKER_CONCURRENCY",
      schema: z.coerce.number().int().min(1).max(64).default(4),
      doc: "operations one worker runs at the same time, each on a different site (1 to 64)",
    }),
  },
};

const managerConfig = defineConfig("manager", managerConfigTable);
export const managerConfigSchema = managerConfig.schema;
export type ManagerConfig = ConfigOf<typeof managerConfigTable>;

/** Reads the manager's configuration from the environment; throws one CONFIG_INVALID error listing every problem. */
export function loadManagerConfig(env: Environment): ManagerConfig {
  const problems = [...configProblems(managerConfigTable, env), ...identityProviderProblems(env)];
  if (problems.length > 0) throw configInvalidError("manager", problems);
  return managerConfig.load(env);
}
