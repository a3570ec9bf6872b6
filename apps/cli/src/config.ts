/**
 * Configuration of the `director` command: the only reader of process.env in the CLI. `director up` (every
 * component in one process, embedded defaults) needs no configuration at all: its own settings below, and every
 * other variable of the components' tables passed through to them, all checked before anything starts.
 */
import { homedir } from "node:os";
import path from "node:path";
import { uniqueVariables } from "@director/config/config-docs";
import { type ConfigOf, type PlacedVariable, variable, variablesOf } from "@director/config/config-table";
import {
  configInvalidError,
  configProblems,
  defineConfig,
  type Environment,
  pickVariables,
} from "@director/config/load-config";
import { topologies } from "@director/domain/topology";
import { identityProviderProblems, managerConfigTable } from "@director/manager";
import { orchestratorConfigTable } from "@director/orchestrator";
import { routerConfigTable } from "@director/router";
import { shellConfigTable } from "@director/shell";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

/** `director up`'s own settings; the data directory, database, log level and Docker socket serve the other commands. */
export const upConfigTable = {
  dataDir: variable({
    env: "DIRECTOR_DATA_DIR",
    schema: z.string().min(1).optional(),
    doc: "database, site files, nginx config, secrets",
    defaultDoc: "`/var/lib/director` (root), else `~/.local/share/director`",
  }),
  listenHost: variable({
    env: "DIRECTOR_LISTEN_HOST",
    schema: z.string().default("127.0.0.1"),
    doc: "address of the manager and sites listeners (`0.0.0.0` to serve other machines)",
  }),
  managerPort: variable({
    env: "DIRECTOR_MANAGER_PORT",
    schema: port.default(8080),
    doc: "the web interface and the API",
  }),
  sitesPort: variable({ env: "DIRECTOR_SITES_PORT", schema: port.default(8081), doc: "hosted sites" }),
  httpsPort: variable({
    env: "DIRECTOR_HTTPS_PORT",
    schema: port.optional(),
    doc: "HTTPS of sites' own domains once they have a certificate (443 on the internet; shared topology); unset: no HTTPS",
  }),
  managerCertificateFile: variable({
    env: "DIRECTOR_MANAGER_CERTIFICATE_FILE",
    schema: z.string().startsWith("/").optional(),
    doc: "with `DIRECTOR_PUBLIC_HOST` and `DIRECTOR_HTTPS_PORT`: the PEM certificate chain the manager is served with over HTTPS, looked at again every 10 minutes",
    defaultDoc: "from ACME (`DIRECTOR_ACME_DIRECTORY_URL`), like sites' own domains",
  }),
  managerCertificateKeyFile: variable({
    env: "DIRECTOR_MANAGER_CERTIFICATE_KEY_FILE",
    schema: z.string().startsWith("/").optional(),
    doc: "the private key of `DIRECTOR_MANAGER_CERTIFICATE_FILE`",
  }),
  sitesDomain: orchestratorConfigTable.sites.domain,
  sitesUrlTemplate: variable({
    env: "DIRECTOR_SITES_URL_TEMPLATE",
    schema: z.string().optional(),
    doc: "the public URL shown for a site; `{name}` is replaced",
    defaultDoc: "`http://{name}.<domain>:<port>/`",
  }),
  orchestratorPort: variable({
    env: "DIRECTOR_ORCHESTRATOR_PORT",
    schema: port.default(7001),
    doc: "the orchestrator's internal API (127.0.0.1 only, token-authenticated)",
  }),
  routerPort: variable({
    env: "DIRECTOR_ROUTER_PORT",
    schema: port.default(7002),
    doc: "the router's internal API (127.0.0.1 only, token-authenticated)",
  }),
  databaseUrl: variable({
    env: "DATABASE_URL",
    schema: z.string().optional(),
    doc: "use this PostgreSQL server instead",
    defaultDoc: "embedded PostgreSQL",
    isSecret: true,
  }),
  embeddedPostgresPort: variable({
    env: "DIRECTOR_EMBEDDED_PG_PORT",
    schema: port.default(5439),
    doc: "the embedded PostgreSQL's port (127.0.0.1; Director itself connects through `<data>/postgres.socket`)",
  }),
  hasLocalDatabaseHost: variable({
    env: "DIRECTOR_LOCAL_DATABASE_HOST",
    schema: z.stringbool().default(true),
    doc: "run a PostgreSQL instance for site databases on the sites network's gateway (data in `<data>/site-postgres`) and register it as the database host `local`; `false`: administrators register their own hosts",
  }),
  siteDatabasePort: variable({
    env: "DIRECTOR_SITE_DATABASE_PORT",
    schema: port.default(5440),
    doc: "the port of that PostgreSQL instance, on the sites network's gateway address only (the one port of this machine site containers reach)",
  }),
  topology: variable({
    env: "DIRECTOR_TOPOLOGY",
    schema: z.enum(topologies).default("shared"),
    doc: "`split` runs the router's nginx apart from the balancer's (production's shape, to measure the hop)",
  }),
  balancerPort: variable({
    env: "DIRECTOR_BALANCER_PORT",
    schema: port.default(8082),
    doc: "the balancer's listener in the split topology",
  }),
  workerLeaseMs: variable({
    env: "DIRECTOR_WORKER_LEASE_MS",
    schema: z.coerce.number().int().min(100).default(30_000),
    doc: "after this long without renewal, a dead worker's operation is taken over",
  }),
  dockerSocketPath: orchestratorConfigTable.docker.socketPath,
  logLevel: variable({
    env: "DIRECTOR_LOG_LEVEL",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
    doc: "`debug` (logs the manager's route table at start too), `info`, `warn`, `error`",
  }),
  /** `director admin create-user` accepts the guidelines the manager serves */
  guidelines: managerConfigTable.guidelines,
};

/**
 * The variables of each component that `director up` sets itself (from its own settings above, the database it
 * opens and `<data>/secrets.json`); every other variable of their tables passes through from its environment.
 */
export const setByUp = {
  manager: [
    "DIRECTOR_MANAGER_HOST",
    "DIRECTOR_MANAGER_PORT",
    "DATABASE_URL",
    "DIRECTOR_ORCHESTRATOR_URL",
    "DIRECTOR_ORCHESTRATOR_TOKEN",
    "DIRECTOR_ROUTER_URL",
    "DIRECTOR_ROUTER_TOKEN",
    "DIRECTOR_SITES_URL_TEMPLATE",
    "DIRECTOR_WORKER_LEASE_MS",
    "DIRECTOR_SHELL_TOKEN",
    "DIRECTOR_SECRETS_KEY",
  ],
  orchestrator: [
    "DIRECTOR_ORCHESTRATOR_HOST",
    "DIRECTOR_ORCHESTRATOR_PORT",
    "DIRECTOR_ORCHESTRATOR_TOKEN",
    "DIRECTOR_INSTALLATION_ID",
    "DIRECTOR_SITES_DIR",
    "DIRECTOR_SITE_VOLUMES_DIR",
    "DIRECTOR_BALANCER_LISTEN",
    "DIRECTOR_BALANCER_NGINX_DIR",
    "DIRECTOR_BALANCER_TRUSTED_PROXIES",
    "DIRECTOR_ORCHESTRATOR_STATE_DIR",
    "DIRECTOR_BALANCER_TLS_LISTEN",
    "DIRECTOR_BALANCER_CERTIFICATES_DIR",
    "DIRECTOR_BALANCER_ACME_CHALLENGES_DIR",
    "DIRECTOR_GATEWAY_DATABASE_PORT",
  ],
  router: [
    "DIRECTOR_ROUTER_HOST",
    "DIRECTOR_ROUTER_PORT",
    "DIRECTOR_ROUTER_TOKEN",
    "DIRECTOR_EDGE_LISTEN",
    "DIRECTOR_ROUTER_NGINX_DIR",
    "DIRECTOR_TOPOLOGY",
    "DIRECTOR_BALANCERS",
    "DIRECTOR_ROUTER_DATA_DIR",
  ],
  shell: ["DIRECTOR_SHELL_HOST", "DIRECTOR_SHELL_HOST_KEYS_DIR", "DIRECTOR_MANAGER_URL", "DIRECTOR_SHELL_TOKEN"],
} as const;

type Component = keyof typeof setByUp;
/** What `director up` gives a component on top of its passed-through variables: exactly the ones it sets. */
export type VariablesSetByUp<C extends Component> = Record<(typeof setByUp)[C][number], string>;

const componentTables = {
  orchestrator: orchestratorConfigTable,
  router: routerConfigTable,
  manager: managerConfigTable,
  shell: shellConfigTable,
} as const;

const commandConfig = defineConfig("director command", upConfigTable);

export type CommandConfig = Omit<ConfigOf<typeof upConfigTable>, "dataDir"> & { dataDir: string };
export interface UpConfig extends CommandConfig {
  /** each component's variables from the environment, without those `director up` sets */
  passThrough: Record<Component, Environment>;
}

/** The default data directory: /var/lib/director as root (reachable by the postgres and nginx users), else XDG. */
export function defaultDataDir(env: Environment): string {
  if (process.getuid?.() === 0) return "/var/lib/director";
  return path.join(env.XDG_DATA_HOME ?? path.join(homedir(), ".local", "share"), "director");
}

/** The settings of the commands other than `up` (data directory, database, log level, Docker socket, guidelines). */
export function loadCommandConfig(env: Environment): CommandConfig {
  const config = commandConfig.load(env);
  return { ...config, dataDir: path.resolve(config.dataDir ?? defaultDataDir(env)) };
}

/** `director up`'s configuration; throws one CONFIG_INVALID error listing every problem, its own and its components'. */
export function loadUpConfig(env: Environment): UpConfig {
  const components = Object.keys(componentTables) as Component[];
  const hasCertificate = (env.DIRECTOR_MANAGER_CERTIFICATE_FILE ?? "") !== "";
  const hasKey = (env.DIRECTOR_MANAGER_CERTIFICATE_KEY_FILE ?? "") !== "";
  const problems = [
    ...configProblems(upConfigTable, env),
    ...(hasCertificate === hasKey
      ? []
      : [
          "DIRECTOR_MANAGER_CERTIFICATE_FILE and DIRECTOR_MANAGER_CERTIFICATE_KEY_FILE go together: set both or neither",
        ]),
    ...components.flatMap((component) => configProblems(componentTables[component], env, setByUp[component])),
    ...identityProviderProblems(env),
  ];
  if (problems.length > 0) throw configInvalidError("director up", problems);
  const passThrough = Object.fromEntries(
    components.map((component) => [component, pickVariables(componentTables[component], env, setByUp[component])]),
  ) as Record<Component, Environment>;
  return { ...loadCommandConfig(env), passThrough };
}

/** Every variable `director up` reads, once each: its own, then the components' it passes through. */
export function upVariables(): PlacedVariable[] {
  const passedThrough = (Object.keys(componentTables) as Component[]).flatMap((component) => {
    const set: readonly string[] = setByUp[component];
    return variablesOf(componentTables[component]).filter(({ variable }) => !set.includes(variable.env));
  });
  return uniqueVariables([...variablesOf(upConfigTable), ...passedThrough]);
}
