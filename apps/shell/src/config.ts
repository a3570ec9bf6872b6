/**
 * The shell server's configuration table: the only reader of process.env in this app. Each variable is written once,
 * with its schema and one line for the README (`npm run docs:config`).
 */
import path from "node:path";
import { type ConfigOf, variable } from "@director/config/config-table";
import { defineConfig, type Environment } from "@director/config/load-config";
import { metricsTokenVariable } from "@director/http-kit/internal-api-config";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { z } from "zod";

const durationMs = z.coerce.number().int().min(0);

export const shellConfigTable = {
  listen: {
    host: variable({
      env: "DIRECTOR_SHELL_HOST",
      schema: z.string().min(1).default("0.0.0.0"),
      doc: "the address the SSH server listens on",
    }),
    port: variable({
      env: "DIRECTOR_SHELL_PORT",
      schema: z.coerce.number().int().min(0).max(65535).default(2222),
      doc: "the SSH port people connect to (0: any free port)",
    }),
  },
  hostKeysDir: variable({
    env: "DIRECTOR_SHELL_HOST_KEYS_DIR",
    schema: z
      .string()
      .default("/var/lib/director/shell")
      .refine((value) => path.isAbsolute(value), "must be an absolute path"),
    doc: "absolute private directory of the SSH host keys (ed25519, ECDSA, RSA), made on first start and kept",
  }),
  manager: {
    url: variable({
      env: "DIRECTOR_MANAGER_URL",
      schema: z.string().url(),
      doc: "the manager's address for its internal API (`http://host:8080`)",
    }),
    token: variable({
      env: "DIRECTOR_SHELL_TOKEN",
      schema: z
        .string({ error: "is required" })
        .min(32, "must be at least 32 characters long")
        .transform((value) => value as InternalToken),
      doc: "the token the shell server sends to the manager (the manager's DIRECTOR_SHELL_TOKEN)",
      isSecret: true,
    }),
  },
  maxConnections: variable({
    env: "DIRECTOR_SHELL_MAX_CONNECTIONS",
    schema: z.coerce.number().int().min(1).default(1000),
    doc: "SSH connections open at once, in all; more are closed at once",
  }),
  maxConnectionsPerAddress: variable({
    env: "DIRECTOR_SHELL_MAX_CONNECTIONS_PER_ADDRESS",
    schema: z.coerce.number().int().min(1).default(50),
    doc: "SSH connections open at once from one client address (an IPv6 client by its /64)",
  }),
  loginTimeoutMs: variable({
    env: "DIRECTOR_SHELL_LOGIN_TIMEOUT_MS",
    schema: durationMs.default(30_000),
    doc: "a connection that has not logged in after this long is closed",
  }),
  probe: {
    host: variable({
      env: "DIRECTOR_SHELL_PROBE_HOST",
      schema: z.string().min(1).default("127.0.0.1"),
      doc: "the address of the shell server's probes (keep it off the public network)",
    }),
    port: variable({
      env: "DIRECTOR_SHELL_PROBE_PORT",
      schema: z.coerce.number().int().min(0).max(65535).optional(),
      doc: "a port for GET /healthz, GET /readyz (the SSH listener, the manager) and, with DIRECTOR_METRICS_TOKEN, GET /metrics",
      defaultDoc: "none: no probes (check the SSH port instead)",
    }),
  },
  metricsToken: metricsTokenVariable(),
  failureDelayMs: variable({
    env: "DIRECTOR_SHELL_FAILURE_DELAY_MS",
    schema: durationMs.default(1_000),
    doc: "how long a failed password or key login waits before its answer (slows guessing down)",
  }),
};

const shellConfig = defineConfig("shell", shellConfigTable);
export const shellConfigSchema = shellConfig.schema;
export type ShellConfig = ConfigOf<typeof shellConfigTable>;

/** Reads the configuration from `env`; throws one CONFIG_INVALID error that lists every problem. */
export function loadShellConfig(env: Environment): ShellConfig {
  return shellConfig.load(env);
}
