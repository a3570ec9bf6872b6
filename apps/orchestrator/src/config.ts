/**
 * The orchestrator's configuration: the only reader of process.env in this app. Each variable is documented with
 * its unit and has a safe default, except the token, which has none on purpose.
 */
import path from "node:path";
import { invalidConfigError, isParsable } from "@director/domain/config-validation";
import { parseHostname } from "@director/domain/hostname";
import { type InstallationId, isInstallationId } from "@director/domain/installation-id";
import { parseListenAddress } from "@director/domain/listen-address";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { z } from "zod";
import { parseEgressPolicy } from "./core/site-egress.js";
import { siteLimitBounds } from "./core/site-service-spec.js";
import { defaultSiteUidBase, maxSiteUid, minSiteUidBase } from "./core/site-user.js";

const absolutePath = z
  .string()
  .refine((value) => path.isAbsolute(value), "must be an absolute path")
  .transform((value) => path.normalize(value));
const mebibyte = 1024 * 1024;

/** A limit within the bounds an administrator may set (core/site-service-spec.ts). */
function siteLimit(field: keyof typeof siteLimitBounds, isWhole: boolean) {
  const { min, max } = siteLimitBounds[field];
  const number = z.coerce.number().min(min).max(max);
  return isWhole ? number.int() : number;
}

export const orchestratorConfigSchema = z
  .object({
    http: z.object({
      /** DIRECTOR_ORCHESTRATOR_HOST: address of the internal API; keep it unreachable from site containers */
      host: z.string().min(1).default("127.0.0.1"),
      /** DIRECTOR_ORCHESTRATOR_PORT: port of the internal API (0: any free port) */
      port: z.coerce.number().int().min(0).max(65535).default(7001),
    }),
    /** DIRECTOR_ORCHESTRATOR_TOKEN: the bearer token callers must send; at least 32 characters, no default */
    token: z
      .string({ error: "is required" })
      .min(32, "must be at least 32 characters long")
      .transform((value) => value as InternalToken),
    /**
     * DIRECTOR_INSTALLATION_ID: this installation's id, 1-16 lowercase letters and digits, in the name and labels of
     * every Docker object it makes (`director-<id>-site-<site id>`). No default on purpose: two orchestrators that
     * share a Docker engine (or a swarm) with the same id would manage each other's services. `director up` makes
     * one on first start and keeps it in `<data>/secrets.json`. Never change it on a running installation: its
     * services would become another installation's.
     */
    installationId: z
      .string({ error: "is required" })
      .refine((value) => isInstallationId(value), "must be 1 to 16 lowercase letters and digits")
      .transform((value) => value as InstallationId),
    sites: z.object({
      /** DIRECTOR_SITES_DIR: absolute directory holding one directory per site (`<dir>/<id>/{public,private}`) */
      dir: absolutePath.default("/var/lib/director/sites"),
      /** DIRECTOR_SITES_DOMAIN: sites are served at <name>.<domain> */
      domain: z
        .string()
        .default("sites.localhost")
        .refine((value) => isParsable(() => parseHostname(value)), "must be a hostname"),
      /**
       * DIRECTOR_SITE_UID_BASE: site N's files and process belong to uid and gid `base + N`. The range from here to
       * 2^31-2 must be free of host accounts (checked at start): choose it once, never change it afterwards.
       */
      uidBase: z.coerce
        .number()
        .int()
        .min(minSiteUidBase)
        .max(maxSiteUid - 1)
        .default(defaultSiteUidBase),
      /** DIRECTOR_SITE_BODY_LIMIT_BYTES: a site's request body limit (nginx client_max_body_size) when a spec omits it */
      defaultClientBodyLimitBytes: z.coerce
        .number()
        .int()
        .min(0)
        .default(2 * mebibyte),
    }),
    balancer: z.object({
      /**
       * DIRECTOR_BALANCER_LISTEN: nginx listen address of every site server block (PORT, IPv4:PORT or [IPv6]:PORT).
       * With `director up` (one shared nginx) this is the public edge address itself.
       */
      listen: z
        .string()
        .default("127.0.0.1:8081")
        .refine((value) => isParsable(() => parseListenAddress(value)), "must be PORT, IPv4:PORT or [IPv6]:PORT"),
      /** DIRECTOR_BALANCER_NGINX_DIR: absolute private directory of the standalone orchestrator's own nginx */
      nginxDir: absolutePath.default("/var/lib/director/balancer-nginx"),
      /**
       * DIRECTOR_BALANCER_TRUSTED_PROXIES: the routers' addresses (or CIDR blocks), comma-separated, whose
       * X-Forwarded-For names the client; sites then see the client's address. Unset: the router's own address.
       */
      trustedProxies: z
        .string()
        .default("")
        .transform((value) =>
          value
            .split(",")
            .map((item) => item.trim())
            .filter((item) => item !== ""),
        )
        .refine(
          (items) => items.every((item) => /^[0-9a-fA-F.:]+(?:\/[0-9]{1,3})?$/.test(item)),
          "must be IP addresses or CIDR blocks, comma-separated",
        ),
    }),
    files: z.object({
      /** DIRECTOR_MAX_FILE_BYTES: the largest file the files API reads or writes in one request */
      maxFileBytes: z.coerce
        .number()
        .int()
        .min(1)
        .default(10 * mebibyte),
    }),
    docker: z
      .object({
        /** DIRECTOR_DOCKER_SOCKET: absolute path of the Docker Engine API socket (dynamic sites run as Swarm services) */
        socketPath: absolutePath.default("/var/run/docker.sock"),
        /**
         * DIRECTOR_SITE_NETWORK: the swarm-scoped bridge network site tasks join; created at start when missing.
         * Default: `director-<installation id>-sites`, one network per installation.
         */
        siteNetwork: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "must be lowercase letters, digits, '.', '_', '-'")
          .optional(),
        /**
         * DIRECTOR_SITE_EGRESS: where site processes may connect beyond this node: `all` (the default), `none`, or
         * comma-separated addresses and CIDR blocks (list your DNS servers too). This node itself is never reachable.
         */
        egress: z
          .string()
          .default("all")
          .refine((value) => isParsable(() => parseEgressPolicy(value)), "must be all, none, or addresses/CIDR blocks")
          .transform((value) => parseEgressPolicy(value)),
      })
      .prefault({}),
    siteLimits: z
      .object({
        /** DIRECTOR_SITE_CPUS: a dynamic site's CPU time in cores when its request sets none */
        cpus: siteLimit("cpus", false).default(0.6),
        /** DIRECTOR_SITE_MEMORY_BYTES: a dynamic site's hard memory limit in bytes when its request sets none */
        memoryBytes: siteLimit("memoryBytes", true).default(100 * mebibyte),
        /** DIRECTOR_SITE_PIDS_LIMIT: most processes and threads of a dynamic site when its request sets none */
        pidsLimit: siteLimit("pidsLimit", true).default(256),
      })
      .prefault({}),
    /**
     * DIRECTOR_ORCHESTRATOR_STATE_DIR: absolute directory where the orchestrator keeps each site's last balancer spec
     * (JSON), to re-render a dynamic site when its task moves. Default: `orchestrator-state` next to the sites dir.
     */
    stateDir: absolutePath.optional(),
  })
  .transform((config) => ({
    ...config,
    docker: { ...config.docker, siteNetwork: config.docker.siteNetwork ?? siteNetworkOf(config.installationId) },
    stateDir: config.stateDir ?? path.join(path.dirname(config.sites.dir), "orchestrator-state"),
  }));

/** The default site network of an installation. */
export function siteNetworkOf(installationId: InstallationId): string {
  return `director-${installationId}-sites`;
}

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;

/** Where each setting comes from, so that errors name the variable to fix. */
const variables: Record<string, string> = {
  "http.host": "DIRECTOR_ORCHESTRATOR_HOST",
  "http.port": "DIRECTOR_ORCHESTRATOR_PORT",
  token: "DIRECTOR_ORCHESTRATOR_TOKEN",
  installationId: "DIRECTOR_INSTALLATION_ID",
  "sites.dir": "DIRECTOR_SITES_DIR",
  "sites.domain": "DIRECTOR_SITES_DOMAIN",
  "sites.uidBase": "DIRECTOR_SITE_UID_BASE",
  "sites.defaultClientBodyLimitBytes": "DIRECTOR_SITE_BODY_LIMIT_BYTES",
  "balancer.listen": "DIRECTOR_BALANCER_LISTEN",
  "balancer.nginxDir": "DIRECTOR_BALANCER_NGINX_DIR",
  "balancer.trustedProxies": "DIRECTOR_BALANCER_TRUSTED_PROXIES",
  "files.maxFileBytes": "DIRECTOR_MAX_FILE_BYTES",
  "docker.socketPath": "DIRECTOR_DOCKER_SOCKET",
  "docker.siteNetwork": "DIRECTOR_SITE_NETWORK",
  "docker.egress": "DIRECTOR_SITE_EGRESS",
  "siteLimits.cpus": "DIRECTOR_SITE_CPUS",
  "siteLimits.memoryBytes": "DIRECTOR_SITE_MEMORY_BYTES",
  "siteLimits.pidsLimit": "DIRECTOR_SITE_PIDS_LIMIT",
  stateDir: "DIRECTOR_ORCHESTRATOR_STATE_DIR",
};

/** Reads the configuration from `env`; throws one CONFIG_INVALID error that lists every problem. */
export function loadOrchestratorConfig(env: NodeJS.ProcessEnv): OrchestratorConfig {
  const input: Record<string, Record<string, unknown> | unknown> = {};
  for (const [key, variable] of Object.entries(variables)) {
    const value = env[variable] === "" ? undefined : env[variable];
    const [group, field] = key.split(".");
    if (group === undefined) continue;
    if (field === undefined) input[group] = value;
    else input[group] = { ...(input[group] as Record<string, unknown> | undefined), [field]: value };
  }
  const result = orchestratorConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw invalidConfigError("orchestrator", result.error.issues, variables);
}
