/**
 * The router's configuration table: the only reader of process.env in this app. Each variable is written once,
 * with its schema (and so its safe default; the token has none on purpose) and one line for the README
 * (`npm run docs:config`).
 */
import path from "node:path";
import { type ConfigOf, variable } from "@director/config/config-table";
import { defineConfig, type Environment } from "@director/config/load-config";
import { isParsable } from "@director/domain/config-validation";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { topologies } from "@director/domain/topology";
import { internalApiVariables, metricsTokenVariable } from "@director/http-kit/internal-api-config";
import { z } from "zod";
import { parseBalancerAddress } from "./core/balancer-address.js";

export const routerConfigTable = {
  ...internalApiVariables("ROUTER", 7002),
  metricsToken: metricsTokenVariable(),
  sitesDomain: variable({
    env: "DIRECTOR_SITES_DOMAIN",
    schema: z
      .string()
      .default("sites.localhost")
      .refine((value) => isParsable(() => parseHostname(value)), "must be a hostname"),
    doc: "sites are `<name>.<domain>`",
  }),
  edge: {
    listen: variable({
      env: "DIRECTOR_EDGE_LISTEN",
      schema: z
        .string()
        .default("127.0.0.1:8081")
        .refine((value) => isParsable(() => parseListenAddress(value)), "must be PORT, IPv4:PORT or [IPv6]:PORT"),
      doc: "the public listen address (PORT, IPv4:PORT or [IPv6]:PORT)",
    }),
    nginxDir: variable({
      env: "DIRECTOR_ROUTER_NGINX_DIR",
      schema: z
        .string()
        .default("/var/lib/director/router-nginx")
        .refine((value) => path.isAbsolute(value), "must be an absolute path"),
      doc: "absolute private directory of the router's own nginx",
    }),
  },
  dataDir: variable({
    env: "DIRECTOR_ROUTER_DATA_DIR",
    schema: z
      .string()
      .default("/var/lib/director/router")
      .refine((value) => path.isAbsolute(value), "must be an absolute path"),
    doc: "absolute private directory of the router's certificates, their keys, the ACME account key and the HTTP-01 challenges",
  }),
  acme: {
    directoryUrl: variable({
      env: "DIRECTOR_ACME_DIRECTORY_URL",
      schema: z
        .string()
        .default("")
        .refine((value) => value === "" || value.startsWith("https://"), "must be an https URL"),
      doc: "the ACME directory certificates for custom domains come from (Let's Encrypt: `https://acme-v02.api.letsencrypt.org/directory`); empty: custom domains are served over HTTP only",
    }),
    email: variable({
      env: "DIRECTOR_ACME_EMAIL",
      schema: z.string().default(""),
      doc: "where the certificate authority may write about expiring certificates or problems (optional)",
    }),
    caFile: variable({
      env: "DIRECTOR_ACME_CA_FILE",
      schema: z
        .string()
        .default("")
        .refine((value) => value === "" || path.isAbsolute(value), "must be an absolute path"),
      doc: "a PEM file of the only CA trusted for the ACME directory's own HTTPS (a test CA such as pebble's); empty: the system's",
    }),
  },
  topology: variable({
    env: "DIRECTOR_TOPOLOGY",
    schema: z.enum(topologies).default("shared"),
    doc: "`shared`: one nginx with the orchestrator (`director up`); `split`: the router's own nginx, in front of the balancers",
  }),
  balancers: variable({
    env: "DIRECTOR_BALANCERS",
    schema: z
      .array(z.string().refine((value) => isParsable(() => parseBalancerAddress(value)), "must be HOST:PORT"))
      .min(1, "needs at least one HOST:PORT")
      .default(["127.0.0.1:8082"]),
    doc: "the balancers' listeners, `HOST:PORT` comma-separated (split topology)",
    isList: true,
  }),
};

const routerConfig = defineConfig("router", routerConfigTable);
export const routerConfigSchema = routerConfig.schema;
export type RouterConfig = ConfigOf<typeof routerConfigTable>;

/** Reads the configuration from `env`; throws one CONFIG_INVALID error that lists every problem. */
export function loadRouterConfig(env: Environment): RouterConfig {
  return routerConfig.load(env);
}
