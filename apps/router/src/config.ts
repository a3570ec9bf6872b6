/**
 * The router's configuration: the only reader of process.env in this app. Each variable is documented with its
 * unit and has a safe default, except the token, which has none on purpose.
 */
import path from "node:path";
import { invalidConfigError, isParsable } from "@director/domain/config-validation";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { z } from "zod";
import { parseBalancerAddress } from "./core/balancer-address.js";

export const routerConfigSchema = z.object({
  http: z.object({
    /** DIRECTOR_ROUTER_HOST: address of the internal API; keep it unreachable from site containers */
    host: z.string().min(1).default("127.0.0.1"),
    /** DIRECTOR_ROUTER_PORT: port of the internal API (0: any free port) */
    port: z.coerce.number().int().min(0).max(65535).default(7002),
  }),
  /** DIRECTOR_ROUTER_TOKEN: the bearer token callers must send; at least 32 characters, no default */
  token: z
    .string({ error: "is required" })
    .min(32, "must be at least 32 characters long")
    .transform((value) => value as InternalToken),
  /** DIRECTOR_SITES_DOMAIN: sites are served at <name>.<domain> */
  sitesDomain: z
    .string()
    .default("sites.localhost")
    .refine((value) => isParsable(() => parseHostname(value)), "must be a hostname"),
  edge: z.object({
    /** DIRECTOR_EDGE_LISTEN: the public listen address (PORT, IPv4:PORT or [IPv6]:PORT) */
    listen: z
      .string()
      .default("127.0.0.1:8081")
      .refine((value) => isParsable(() => parseListenAddress(value)), "must be PORT, IPv4:PORT or [IPv6]:PORT"),
    /** DIRECTOR_ROUTER_NGINX_DIR: absolute private directory of the standalone router's own nginx */
    nginxDir: z
      .string()
      .default("/var/lib/director/router-nginx")
      .refine((value) => path.isAbsolute(value), "must be an absolute path"),
  }),
  /** DIRECTOR_TOPOLOGY: "shared" (one nginx with the orchestrator, `director up`) or "split" (separate nginx) */
  topology: z.enum(["shared", "split"]).default("shared"),
  /** DIRECTOR_BALANCERS: comma-separated HOST:PORT of the balancers' listeners; used in the split topology */
  balancers: z
    .array(z.string().refine((value) => isParsable(() => parseBalancerAddress(value)), "must be HOST:PORT"))
    .min(1, "needs at least one HOST:PORT")
    .default(["127.0.0.1:8082"]),
});

export type RouterConfig = z.infer<typeof routerConfigSchema>;

/** Where each setting comes from, so that errors name the variable to fix. */
const variables: Record<string, string> = {
  "http.host": "DIRECTOR_ROUTER_HOST",
  "http.port": "DIRECTOR_ROUTER_PORT",
  token: "DIRECTOR_ROUTER_TOKEN",
  sitesDomain: "DIRECTOR_SITES_DOMAIN",
  "edge.listen": "DIRECTOR_EDGE_LISTEN",
  "edge.nginxDir": "DIRECTOR_ROUTER_NGINX_DIR",
  topology: "DIRECTOR_TOPOLOGY",
  balancers: "DIRECTOR_BALANCERS",
};

/** Reads the configuration from `env`; throws one CONFIG_INVALID error that lists every problem. */
export function loadRouterConfig(env: NodeJS.ProcessEnv): RouterConfig {
  const value = (name: string) => (env[name] === "" ? undefined : env[name]);
  const balancers = value("DIRECTOR_BALANCERS")
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  const result = routerConfigSchema.safeParse({
    http: { host: value("DIRECTOR_ROUTER_HOST"), port: value("DIRECTOR_ROUTER_PORT") },
    token: value("DIRECTOR_ROUTER_TOKEN"),
    sitesDomain: value("DIRECTOR_SITES_DOMAIN"),
    edge: { listen: value("DIRECTOR_EDGE_LISTEN"), nginxDir: value("DIRECTOR_ROUTER_NGINX_DIR") },
    topology: value("DIRECTOR_TOPOLOGY"),
    balancers,
  });
  if (result.success) return result.data;
  throw invalidConfigError("router", result.error.issues, variables);
}
