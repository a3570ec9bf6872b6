/**
 * The orchestrator's configuration table: the only reader of process.env in this app. Each variable is written
 * once, with its schema (and so its safe default; the token and the installation id have none on purpose) and one
 * line for the README (`npm run docs:config`).
 */
import path from "node:path";
import { variable } from "@director/config/config-table";
import { defineConfig, type Environment } from "@director/config/load-config";
import { isParsable } from "@director/domain/config-validation";
import { parseHostname } from "@director/domain/hostname";
import { type InstallationId, isInstallationId } from "@director/domain/installation-id";
import { parseListenAddress } from "@director/domain/listen-address";
import { internalApiVariables, metricsTokenVariable } from "@director/http-kit/internal-api-config";
import { z } from "zod";
import { parseRegistryAddress } from "./core/image-distribution.js";
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

export const orchestratorConfigTable = {
  ...internalApiVariables("ORCHESTRATOR", 7001),
  metricsToken: metricsTokenVariable(),
  /**
   * No default on purpose: two orchestrators that share a Docker engine (or a swarm) with the same id would manage
   * each other's services. `director up` makes one on first start and keeps it in `<data>/secrets.json`.
   */
  installationId: variable({
    env: "DIRECTOR_INSTALLATION_ID",
    schema: z
      .string({ error: "is required" })
      .refine((value) => isInstallationId(value), "must be 1 to 16 lowercase letters and digits")
      .transform((value) => value as InstallationId),
    doc: "this installation's id (1-16 lowercase letters and digits) in the name and labels of every Docker object it makes (`director-<id>-site-<site id>`); never change it on a running installation",
  }),
  sites: {
    dir: variable({
      env: "DIRECTOR_SITES_DIR",
      schema: absolutePath.default("/var/lib/director/sites"),
      doc: "absolute directory holding one directory per site (`<dir>/<id>/{public,private}`)",
    }),
    domain: variable({
      env: "DIRECTOR_SITES_DOMAIN",
      schema: z
        .string()
        .default("sites.localhost")
        .refine((value) => isParsable(() => parseHostname(value)), "must be a hostname"),
      doc: "sites are `<name>.<domain>`",
    }),
    uidBase: variable({
      env: "DIRECTOR_SITE_UID_BASE",
      schema: z.coerce
        .number()
        .int()
        .min(minSiteUidBase)
        .max(maxSiteUid - 1)
        .default(defaultSiteUidBase),
      doc: "site N's files and process belong to uid/gid `base + N`; the range up to 2^31-2 must hold no host account (checked at start); never change it afterwards",
    }),
    volumes: variable({
      env: "DIRECTOR_SITE_VOLUMES",
      schema: z.enum(["auto", "loop", "directory"]).default("auto"),
      doc: "`loop`: each site is its own ext4 filesystem (a sparse image in the volumes directory, on a loop device) whose size the kernel holds it to, whatever writes; `directory`: plain directories, no disk quota; `auto`: `loop` when this machine can (root, loop devices, e2fsprogs), else `directory` with a warning",
    }),
    volumesDir: variable({
      env: "DIRECTOR_SITE_VOLUMES_DIR",
      schema: absolutePath.default("/var/lib/director/site-volumes"),
      doc: "absolute private directory of the sites' volume images (`<id>.ext4`, sparse) and their quotas",
    }),
    diskQuotaBytes: variable({
      env: "DIRECTOR_SITE_DISK_QUOTA_BYTES",
      schema: z.coerce
        .number()
        .int()
        .min(16 * mebibyte)
        .default(1024 * mebibyte),
      doc: "a site's disk quota in bytes unless an administrator gave it its own (at least 16 MiB; needs site volumes)",
    }),
    defaultClientBodyLimitBytes: variable({
      env: "DIRECTOR_SITE_BODY_LIMIT_BYTES",
      schema: z.coerce
        .number()
        .int()
        .min(0)
        .default(2 * mebibyte),
      doc: "a site's request body limit in bytes (nginx `client_max_body_size`) unless its spec sets one",
    }),
  },
  balancer: {
    listen: variable({
      env: "DIRECTOR_BALANCER_LISTEN",
      schema: z
        .string()
        .default("127.0.0.1:8081")
        .refine((value) => isParsable(() => parseListenAddress(value)), "must be PORT, IPv4:PORT or [IPv6]:PORT"),
      doc: "nginx listen address of every site server block (PORT, IPv4:PORT or [IPv6]:PORT)",
    }),
    nginxDir: variable({
      env: "DIRECTOR_BALANCER_NGINX_DIR",
      schema: absolutePath.default("/var/lib/director/balancer-nginx"),
      doc: "absolute private directory of the orchestrator's own nginx",
    }),
    trustedProxies: variable({
      env: "DIRECTOR_BALANCER_TRUSTED_PROXIES",
      schema: z
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
      doc: "the routers' addresses or CIDR blocks, comma-separated, whose `X-Forwarded-For` names the client, so that sites see their clients' addresses",
    }),
    tlsListen: variable({
      env: "DIRECTOR_BALANCER_TLS_LISTEN",
      schema: z
        .string()
        .default("")
        .refine(
          (value) => value === "" || isParsable(() => parseListenAddress(value)),
          "must be PORT, IPv4:PORT or [IPv6]:PORT",
        ),
      doc: "nginx HTTPS listen address of sites' own domains once they have a certificate (shared topology: the edge's); empty: no HTTPS",
    }),
    trafficLog: variable({
      env: "DIRECTOR_BALANCER_TRAFFIC_LOG",
      schema: z.stringbool().default(true),
      doc: "nginx logs one short buffered line per request to `<nginx dir>/traffic/`, which the manager counts per site (the Traffic graphs); `false`: no such log, and no graphs",
    }),
    hstsMaxAgeSeconds: variable({
      env: "DIRECTOR_HSTS_MAX_AGE",
      schema: z.coerce.number().int().min(0).max(63_072_000).default(0),
      doc: "seconds browsers should use only HTTPS for a domain once they saw it over HTTPS (Strict-Transport-Security; 31536000 is a year); 0: not sent. A domain that later loses its certificate is unreachable for that long, so start small",
    }),
    certificatesDir: variable({
      env: "DIRECTOR_BALANCER_CERTIFICATES_DIR",
      schema: z
        .string()
        .default("")
        .refine((value) => value === "" || path.isAbsolute(value), "must be an absolute path"),
      doc: "the router's certificate directory (shared topology: one nginx), whose `<domain>/fullchain.pem` and `privkey.pem` the HTTPS blocks name",
    }),
    sitesCertificateFile: variable({
      env: "DIRECTOR_SITES_CERTIFICATE_FILE",
      schema: z
        .string()
        .default("")
        .refine((value) => value === "" || path.isAbsolute(value), "must be an absolute path"),
      doc: "a wildcard certificate chain (PEM) for `*.<sites domain>`: every site is also served over HTTPS at its own name (needs the HTTPS listen address: `DIRECTOR_HTTPS_PORT` under director up); looked at again every 10 minutes, so a replaced file is served without a restart",
      defaultDoc: "none: the sites domain over HTTP only",
    }),
    sitesCertificateKeyFile: variable({
      env: "DIRECTOR_SITES_CERTIFICATE_KEY_FILE",
      schema: z
        .string()
        .default("")
        .refine((value) => value === "" || path.isAbsolute(value), "must be an absolute path"),
      doc: "the private key of `DIRECTOR_SITES_CERTIFICATE_FILE`",
    }),
    acmeChallengesRoot: variable({
      env: "DIRECTOR_BALANCER_ACME_CHALLENGES_DIR",
      schema: z
        .string()
        .default("")
        .refine((value) => value === "" || path.isAbsolute(value), "must be an absolute path"),
      doc: "the router's ACME HTTP-01 directory (shared topology), served at `/.well-known/acme-challenge/` for every site; empty: not served",
    }),
  },
  files: {
    maxFileBytes: variable({
      env: "DIRECTOR_MAX_FILE_BYTES",
      schema: z.coerce
        .number()
        .int()
        .min(1)
        .default(10 * mebibyte),
      doc: "the largest file the files API reads or writes in one request, in bytes",
    }),
    maxZipBytes: variable({
      env: "DIRECTOR_MAX_ZIP_BYTES",
      schema: z.coerce
        .number()
        .int()
        .min(1)
        .default(1024 * mebibyte),
      doc: "the most bytes of files one zip download (a folder or a whole site) may hold; a larger one is refused with 413 before it starts",
    }),
    maxZipFiles: variable({
      env: "DIRECTOR_MAX_ZIP_FILES",
      schema: z.coerce.number().int().min(1).default(100_000),
      doc: "the most files one zip download may hold",
    }),
  },
  docker: {
    socketPath: variable({
      env: "DIRECTOR_DOCKER_SOCKET",
      schema: absolutePath.default("/var/run/docker.sock"),
      doc: "absolute path of the Docker Engine API socket (dynamic sites run as Swarm services)",
    }),
    siteNetwork: variable({
      env: "DIRECTOR_SITE_NETWORK",
      schema: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "must be lowercase letters, digits, '.', '_', '-'")
        .optional(),
      doc: "the swarm-scoped bridge network site tasks join (created when missing)",
      defaultDoc: "`director-<installation id>-sites`",
    }),
    registry: variable({
      env: "DIRECTOR_REGISTRY",
      schema: z
        .string()
        .refine((value) => isParsable(() => parseRegistryAddress(value)), "must be host[:port], with no scheme or path")
        .transform((value) => parseRegistryAddress(value))
        .optional(),
      doc: "the image registry (`host[:port]`) every node of the swarm pulls from: each image a site runs is pushed there and its service names it by digest; unset on a one-node swarm, where images stay on this engine",
      defaultDoc: "none: one node",
    }),
    egress: variable({
      env: "DIRECTOR_SITE_EGRESS",
      schema: z
        .string()
        .default("all")
        .refine((value) => isParsable(() => parseEgressPolicy(value)), "must be all, none, or addresses/CIDR blocks")
        .transform((value) => parseEgressPolicy(value)),
      doc: "where site processes may connect beyond this machine: `all`, `none`, or addresses and CIDR blocks, comma-separated (list your DNS servers); this machine itself is never reachable from a site",
    }),
    gatewayDatabasePort: variable({
      env: "DIRECTOR_GATEWAY_DATABASE_PORT",
      schema: z.coerce.number().int().min(1).max(65535).optional(),
      doc: "a TCP port on the sites network's gateway (this node's address on that network) that site containers may connect to, for a database host listening there; the network's bridge is then kept up by a small idle container, so that the address stays. `director up` sets it to its own site PostgreSQL's port",
      defaultDoc: "none: sites reach nothing on this node",
    }),
  },
  siteLimits: {
    cpus: variable({
      env: "DIRECTOR_SITE_CPUS",
      schema: siteLimit("cpus", false).default(0.6),
      doc: "a dynamic site's CPU limit in cores, unless an administrator set its own",
    }),
    memoryBytes: variable({
      env: "DIRECTOR_SITE_MEMORY_BYTES",
      schema: siteLimit("memoryBytes", true).default(100 * mebibyte),
      doc: "a dynamic site's hard memory limit in bytes, unless an administrator set its own",
    }),
    pidsLimit: variable({
      env: "DIRECTOR_SITE_PIDS_LIMIT",
      schema: siteLimit("pidsLimit", true).default(256),
      doc: "most processes and threads of a dynamic site, unless an administrator set its own",
    }),
  },
  stateDir: variable({
    env: "DIRECTOR_ORCHESTRATOR_STATE_DIR",
    schema: absolutePath.optional(),
    doc: "absolute directory where each site's last balancer spec is kept (JSON), to re-render a dynamic site when its task moves",
    defaultDoc: "`orchestrator-state` beside the sites directory",
  }),
};

/** The default site network of an installation. */
export function siteNetworkOf(installationId: InstallationId): string {
  return `director-${installationId}-sites`;
}

const orchestratorConfig = defineConfig("orchestrator", orchestratorConfigTable, (config) => ({
  ...config,
  docker: { ...config.docker, siteNetwork: config.docker.siteNetwork ?? siteNetworkOf(config.installationId) },
  stateDir: config.stateDir ?? path.join(path.dirname(config.sites.dir), "orchestrator-state"),
}));
export const orchestratorConfigSchema = orchestratorConfig.schema;
export type OrchestratorConfig = z.output<typeof orchestratorConfigSchema>;

/** Reads the configuration from `env`; throws one CONFIG_INVALID error that lists every problem. */
export function loadOrchestratorConfig(env: Environment): OrchestratorConfig {
  return orchestratorConfig.load(env);
}
