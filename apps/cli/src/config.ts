/**
 * Configuration of `director up` (all components in one process on embedded defaults): the only reader of
 * process.env in the CLI. Everything has a default, so `director up` needs no configuration at all.
 */
import { homedir } from "node:os";
import path from "node:path";
import { accountSettingsFromEnv } from "@director/manager/config";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

export const upConfigSchema = z.object({
  /** DIRECTOR_DATA_DIR: database, site files, nginx config and secrets live here (default /var/lib/director as root) */
  dataDir: z.string().min(1),
  /** DIRECTOR_LISTEN_HOST: address of the public listeners (manager and sites); 0.0.0.0 to serve other machines */
  listenHost: z.string().default("127.0.0.1"),
  /** DIRECTOR_MANAGER_PORT: the web app and JSON API */
  managerPort: port.default(8080),
  /** DIRECTOR_SITES_PORT: where hosted sites are served */
  sitesPort: port.default(8081),
  /** DIRECTOR_SITES_DOMAIN: sites are <name>.<domain>; *.localhost resolves to loopback in browsers and curl */
  sitesDomain: z.string().default("sites.localhost"),
  /** DIRECTOR_SITES_URL_TEMPLATE: the public URL of a site; {name} is replaced (default http://{name}.<domain>:<port>/) */
  sitesUrlTemplate: z.string().optional(),
  /** DIRECTOR_ORCHESTRATOR_PORT / DIRECTOR_ROUTER_PORT: internal APIs, always on 127.0.0.1 */
  orchestratorPort: port.default(7001),
  routerPort: port.default(7002),
  /** DATABASE_URL: use this PostgreSQL server instead of the embedded one */
  databaseUrl: z.string().optional(),
  /** DIRECTOR_EMBEDDED_PG_PORT: port of the embedded PostgreSQL (127.0.0.1 only) */
  embeddedPostgresPort: port.default(5439),
  /**
   * DIRECTOR_TOPOLOGY: "shared" (router and orchestrator share one nginx: one hop per request) or "split"
   * (separate nginx processes, as on separate machines in production; used to measure the hop's cost)
   */
  topology: z.enum(["shared", "split"]).default("shared"),
  /** DIRECTOR_BALANCER_PORT: the balancer's own listener in the split topology */
  balancerPort: port.default(8082),
  /** DIRECTOR_WORKER_LEASE_MS: how long before a dead worker's operation is taken over */
  workerLeaseMs: z.coerce.number().int().min(100).default(30_000),
  /**
   * Passed through to the orchestrator (its config.ts documents and checks them): DIRECTOR_SITE_CPUS (cores),
   * DIRECTOR_SITE_MEMORY_BYTES, DIRECTOR_SITE_PIDS_LIMIT (a dynamic site's defaults) and DIRECTOR_SITE_NETWORK
   * (default `director-<installation id>-sites`), DIRECTOR_SITE_UID_BASE (site accounts' uid range) and
   * DIRECTOR_SITE_EGRESS (where site processes may connect). Unset: the orchestrator's defaults.
   */
  siteCpus: z.string().optional(),
  siteMemoryBytes: z.string().optional(),
  sitePidsLimit: z.string().optional(),
  siteNetwork: z.string().optional(),
  siteUidBase: z.string().optional(),
  siteEgress: z.string().optional(),
  /**
   * Passed through to the manager (its config.ts documents and checks them): sessions and login limits, the limits
   * per account (DIRECTOR_SITE_REQUEST_MAX_PER_ACCOUNT, ...), login with the identity provider (DIRECTOR_OIDC_*),
   * DIRECTOR_GUIDELINES_FILE, DIRECTOR_METRICS_TOKEN, DIRECTOR_SMTP_URL and DIRECTOR_MAIL_FROM.
   */
  managerAccounts: z.record(z.string(), z.unknown()).default({}),
  /** DIRECTOR_DOCKER_SOCKET: the Docker Engine API socket `director images make-base` uses */
  dockerSocketPath: z.string().min(1).default("/var/run/docker.sock"),
  /** DIRECTOR_LOG_LEVEL */
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export type UpConfig = z.infer<typeof upConfigSchema>;

/** The default data directory: /var/lib/director as root (reachable by the postgres and nginx users), else XDG. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return "/var/lib/director";
  return path.join(env.XDG_DATA_HOME ?? path.join(homedir(), ".local", "share"), "director");
}

export function loadUpConfig(env: NodeJS.ProcessEnv): UpConfig {
  return upConfigSchema.parse({
    dataDir: path.resolve(env.DIRECTOR_DATA_DIR ?? defaultDataDir(env)),
    listenHost: env.DIRECTOR_LISTEN_HOST,
    managerPort: env.DIRECTOR_MANAGER_PORT,
    sitesPort: env.DIRECTOR_SITES_PORT,
    sitesDomain: env.DIRECTOR_SITES_DOMAIN,
    sitesUrlTemplate: env.DIRECTOR_SITES_URL_TEMPLATE,
    orchestratorPort: env.DIRECTOR_ORCHESTRATOR_PORT,
    routerPort: env.DIRECTOR_ROUTER_PORT,
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPostgresPort: env.DIRECTOR_EMBEDDED_PG_PORT,
    topology: env.DIRECTOR_TOPOLOGY,
    balancerPort: env.DIRECTOR_BALANCER_PORT,
    workerLeaseMs: env.DIRECTOR_WORKER_LEASE_MS,
    siteCpus: env.DIRECTOR_SITE_CPUS || undefined,
    siteMemoryBytes: env.DIRECTOR_SITE_MEMORY_BYTES || undefined,
    sitePidsLimit: env.DIRECTOR_SITE_PIDS_LIMIT || undefined,
    siteNetwork: env.DIRECTOR_SITE_NETWORK || undefined,
    siteUidBase: env.DIRECTOR_SITE_UID_BASE || undefined,
    siteEgress: env.DIRECTOR_SITE_EGRESS || undefined,
    dockerSocketPath: env.DIRECTOR_DOCKER_SOCKET || undefined,
    managerAccounts: accountSettingsFromEnv(env),
    logLevel: env.DIRECTOR_LOG_LEVEL,
  });
}
