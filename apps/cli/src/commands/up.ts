import { chmod, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { routerDataLayout } from "@director/contracts/certificate-files";
import { UsersRepository } from "@director/db/users.repository";
import { DirectorError } from "@director/domain/errors";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import { writeFileAtomic } from "@director/host/atomic-write";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { NginxServer } from "@director/host/nginx-server";
import { trafficLogLayout } from "@director/host/nginx-traffic-log";
import { componentMetricsOf, nginxReloadsCountedIn } from "@director/http-kit/component-metrics";
import { InternalClient } from "@director/http-kit/internal-client";
import { InProcessWakeup, loadManagerConfig, startManager } from "@director/manager";
import { connectDocker, createOrchestrator, loadOrchestratorConfig } from "@director/orchestrator";
import { createRouter, loadRouterConfig } from "@director/router";
import { createShell, loadShellConfig } from "@director/shell";
import type { Logger } from "pino";
import type { UpConfig, VariablesSetByUp } from "../config.js";
import { openDatabase, runningDatabaseUrlFile } from "../runtime/database.js";
import { acquireInstanceLock } from "../runtime/instance-lock.js";
import { ManagerHttps } from "../runtime/manager-https.js";
import { runningInstanceFile, writeRunningInstance } from "../runtime/running-instance.js";
import { loadOrCreateSecrets } from "../runtime/secrets.js";
import { offerSitePostgres } from "../runtime/site-postgres.js";

export interface RunningDirector {
  managerUrl: string;
  sitesUrlTemplate: string;
  /** the SSH port of the shell server */
  sshPort: number;
  /** false on a new installation: nobody can log in until an administrator is created */
  hasUsers: boolean;
  stop(): Promise<void>;
}

/**
 * Starts every component in this process on embedded defaults: PostgreSQL, nginx, orchestrator, router,
 * manager API and worker. In the shared topology one nginx serves the edge and the balancer, so a request to a
 * site crosses one hop; the router and orchestrator still keep their own config directories and APIs.
 */
export async function startDirector(config: UpConfig, log: Logger): Promise<RunningDirector> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) {
      try {
        await stopOne();
      } catch (error) {
        log.error({ err: error }, "a component did not stop cleanly");
      }
    }
  };
  try {
    const { dataDir } = config;
    await mkdir(dataDir, { recursive: true });
    // nginx workers and the postgres user must traverse it.
    await chmod(dataDir, 0o755);
    stops.push(await acquireInstanceLock(dataDir));
    const secrets = await loadOrCreateSecrets(dataDir);

    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir,
      embeddedPort: config.embeddedPostgresPort,
      log,
    });
    stops.push(() => database.close());
    if (!config.databaseUrl) {
      const urlFile = runningDatabaseUrlFile(dataDir);
      await mkdir(path.dirname(urlFile), { recursive: true, mode: 0o700 });
      await writeFileAtomic(urlFile, `${database.url}\n`, { mode: 0o600 });
      stops.push(() => rm(urlFile, { force: true }));
    }

    const edgeListen = `${config.listenHost}:${config.sitesPort}`;
    const nginxDir = path.join(dataDir, "nginx");
    const routerConfDir = path.join(nginxDir, "router.d");
    const balancerConfDir = path.join(nginxDir, "balancer.d");
    const managerConfDir = path.join(nginxDir, "manager.d");
    const isShared = config.topology === "shared";

    // The router keeps certificates and ACME challenges here; sharing one nginx, the orchestrator's blocks name them.
    const routerDataDir = path.join(dataDir, "router");
    const routerData = routerDataLayout(routerDataDir);
    const httpsListen = isShared && config.httpsPort !== undefined ? `${config.listenHost}:${config.httpsPort}` : "";
    const orchestratorVariables: VariablesSetByUp<"orchestrator"> = {
      DIRECTOR_ORCHESTRATOR_HOST: "127.0.0.1",
      DIRECTOR_ORCHESTRATOR_PORT: String(config.orchestratorPort),
      DIRECTOR_ORCHESTRATOR_TOKEN: secrets.orchestratorToken,
      DIRECTOR_INSTALLATION_ID: secrets.installationId,
      DIRECTOR_SITES_DIR: path.join(dataDir, "sites"),
      DIRECTOR_SITE_VOLUMES_DIR: path.join(dataDir, "site-volumes"),
      DIRECTOR_BALANCER_LISTEN: isShared ? edgeListen : `127.0.0.1:${config.balancerPort}`,
      DIRECTOR_BALANCER_NGINX_DIR: nginxDir,
      // read only by a standalone orchestrator, which starts its own nginx; this one is started below
      DIRECTOR_BALANCER_TRUSTED_PROXIES: "",
      DIRECTOR_ORCHESTRATOR_STATE_DIR: path.join(dataDir, "orchestrator-state"),
      DIRECTOR_BALANCER_TLS_LISTEN: httpsListen,
      DIRECTOR_BALANCER_CERTIFICATES_DIR: routerData.certificatesDir,
      // Split: the router's own edge would answer them (not built yet); shared: every site's server does.
      DIRECTOR_BALANCER_ACME_CHALLENGES_DIR: isShared ? routerData.challengesRoot : "",
      // The site firewall opens this one port on the sites network's gateway, where the site PostgreSQL listens.
      DIRECTOR_GATEWAY_DATABASE_PORT: config.hasLocalDatabaseHost ? String(config.siteDatabasePort) : "",
    };
    const orchestratorConfig = loadOrchestratorConfig({ ...config.passThrough.orchestrator, ...orchestratorVariables });

    // One nginx serves the balancer and, shared, the edge: its reloads count as the orchestrator's.
    const orchestratorMetrics = componentMetricsOf("orchestrator", orchestratorConfig.metricsToken);
    const balancerNginx = new NginxServer({
      prefixDir: nginxDir,
      ...nginxReloadsCountedIn(orchestratorMetrics),
      includeDirs: isShared ? [managerConfDir, routerConfDir, balancerConfDir] : [balancerConfDir],
      // Split: the router on this machine is in front, and sites must see its client's address, not its own.
      realIpFrom: isShared ? [] : ["127.0.0.1"],
      // Every request to a site, counted per site by the manager (through the orchestrator).
      ...(orchestratorConfig.balancer.trafficLog ? { trafficLogPath: trafficLogLayout(nginxDir).livePath } : {}),
      log: log.child({ component: "nginx" }),
    });
    await balancerNginx.start();
    stops.push(() => balancerNginx.stop());
    const routerVariables: VariablesSetByUp<"router"> = {
      DIRECTOR_ROUTER_HOST: "127.0.0.1",
      DIRECTOR_ROUTER_PORT: String(config.routerPort),
      DIRECTOR_ROUTER_TOKEN: secrets.routerToken,
      DIRECTOR_EDGE_LISTEN: edgeListen,
      DIRECTOR_ROUTER_NGINX_DIR: isShared ? nginxDir : path.join(dataDir, "nginx-edge"),
      DIRECTOR_TOPOLOGY: config.topology,
      DIRECTOR_BALANCERS: `127.0.0.1:${config.balancerPort}`,
      DIRECTOR_ROUTER_DATA_DIR: routerDataDir,
    };
    let edgeNginx = balancerNginx;
    const routerConfig = loadRouterConfig({ ...config.passThrough.router, ...routerVariables });
    const routerMetrics = componentMetricsOf("router", routerConfig.metricsToken);
    if (!isShared) {
      edgeNginx = new NginxServer({
        prefixDir: path.join(dataDir, "nginx-edge"),
        ...nginxReloadsCountedIn(routerMetrics),
        includeDirs: [routerConfDir],
        log: log.child({ component: "nginx-edge" }),
      });
      await edgeNginx.start();
      stops.push(() => edgeNginx.stop());
    }
    // Dynamic sites when the Docker engine answers; without it, static sites only (a warning is logged).
    const docker = await connectDocker(orchestratorConfig, log.child({ component: "orchestrator" }));
    // After the sites network (the instance binds its gateway address), before the orchestrator that uses it.
    if (config.hasLocalDatabaseHost) {
      const stopSitePostgres = await offerSitePostgres({
        gateway: docker.sitesGateway,
        port: config.siteDatabasePort,
        dataDir,
        db: database.db,
        secretsKey: secrets.secretsKey,
        log: log.child({ component: "site-postgres" }),
      });
      if (stopSitePostgres !== null) stops.push(stopSitePostgres);
    }
    const orchestrator = createOrchestrator(orchestratorConfig, {
      ...docker,
      balancerFiles: new NginxConfigStore(balancerConfDir, balancerNginx, log.child({ component: "balancer-config" })),
      balancerNginx,
      ...(orchestratorMetrics === undefined ? {} : { metrics: orchestratorMetrics }),
      log, // createOrchestrator names its own component
    });
    const orchestratorUrl = await orchestrator.listen();
    stops.push(() => orchestrator.close());

    const router = createRouter(routerConfig, {
      routeFiles: new NginxConfigStore(routerConfDir, edgeNginx, log.child({ component: "router-config" })),
      ...(routerMetrics === undefined ? {} : { metrics: routerMetrics }),
      log, // createRouter names its own component
    });
    const routerUrl = await router.listen();
    stops.push(() => router.close());

    const managerHttps = managerHttpsPlan(config, httpsListen, log);
    const sitesUrlTemplate = config.sitesUrlTemplate ?? `http://{name}.${config.sitesDomain}:${config.sitesPort}/`;
    const managerVariables: VariablesSetByUp<"manager"> = {
      DIRECTOR_MANAGER_HOST: config.listenHost,
      DIRECTOR_MANAGER_PORT: String(config.managerPort),
      DATABASE_URL: database.url,
      DIRECTOR_ORCHESTRATOR_URL: orchestratorUrl,
      DIRECTOR_ORCHESTRATOR_TOKEN: secrets.orchestratorToken,
      DIRECTOR_ROUTER_URL: routerUrl,
      DIRECTOR_ROUTER_TOKEN: secrets.routerToken,
      DIRECTOR_SITES_URL_TEMPLATE: sitesUrlTemplate,
      DIRECTOR_WORKER_LEASE_MS: String(config.workerLeaseMs),
      DIRECTOR_SHELL_TOKEN: secrets.shellToken,
      DIRECTOR_SECRETS_KEY: secrets.secretsKey,
    };
    // Behind the HTTPS server below, the session cookie is Secure and the client's address is nginx's to tell, unless
    // the administrator said otherwise.
    const managerHost = ["0.0.0.0", "::", "[::]"].includes(config.listenHost) ? "127.0.0.1" : config.listenHost;
    const httpsDefaults =
      managerHttps === null ? {} : { DIRECTOR_COOKIE_SECURE: "true", DIRECTOR_TRUSTED_PROXIES: managerHost };
    const managerConfig = loadManagerConfig({ ...httpsDefaults, ...config.passThrough.manager, ...managerVariables });
    const manager = await startManager(managerConfig, {
      db: database.db,
      log,
      wakeup: new InProcessWakeup(),
      roles: { api: true, worker: true },
    });
    stops.push(() => manager.close());
    // For `director reconcile`: where the internal APIs are and what the worker writes for a site.
    await writeRunningInstance(dataDir, {
      orchestratorUrl,
      routerUrl,
      sites: { domain: managerConfig.sites.domain, clientBodyLimitBytes: managerConfig.sites.clientBodyLimitBytes },
      publicHost: managerConfig.domains.publicHost,
    });
    stops.push(() => rm(runningInstanceFile(dataDir), { force: true }));

    let managerUrl = manager.url ?? "";
    if (managerHttps !== null) {
      const served = new ManagerHttps({
        host: managerHttps.host,
        source:
          managerHttps.files === null
            ? {
                kind: "acme",
                router: new InternalClient({ component: "router", baseUrl: routerUrl, token: secrets.routerToken }),
                certificatesDir: routerData.certificatesDir,
                challengesRoot: routerData.challengesRoot,
                renewWithinDays: managerConfig.domains.renewWithinDays,
              }
            : { kind: "files", ...managerHttps.files },
        files: new NginxConfigStore(managerConfDir, balancerNginx, log.child({ component: "manager-https-config" })),
        server: {
          httpListen: edgeListen,
          tlsListen: httpsListen,
          upstream: `${managerHost}:${config.managerPort}`,
          // The largest body the manager takes (an upload, or a database import, 100 MiB by default), with room for
          // the request's head: nginx must not refuse what the manager would take, nor take what it would refuse.
          clientBodyLimitBytes:
            Math.max(managerConfig.files.maxUploadBytes, managerConfig.files.maxDatabaseImportBytes) + 1024 * 1024,
          hstsMaxAgeSeconds: orchestratorConfig.balancer.hstsMaxAgeSeconds,
        },
        log: log.child({ component: "manager-https" }),
        checkIntervalMs: managerHttps.files === null ? 12 * 60 * 60 * 1000 : 10 * 60 * 1000,
      });
      served.start();
      stops.push(async () => served.stop());
      const port = config.httpsPort === 443 ? "" : `:${config.httpsPort}`;
      managerUrl = `https://${managerHttps.host}${port}/`;
    }

    // The shell server reaches sites only through the manager's internal API, as a separate process would.
    const shellVariables: VariablesSetByUp<"shell"> = {
      DIRECTOR_SHELL_HOST: config.listenHost,
      DIRECTOR_SHELL_HOST_KEYS_DIR: path.join(dataDir, "shell"),
      DIRECTOR_MANAGER_URL: manager.url ?? `http://${managerHost}:${config.managerPort}`,
      DIRECTOR_SHELL_TOKEN: secrets.shellToken,
    };
    const shell = await createShell(loadShellConfig({ ...config.passThrough.shell, ...shellVariables }), {
      log,
      publicHost: managerConfig.domains.publicHost || managerHost,
    });
    const sshPort = await shell.listen();
    stops.push(() => shell.close());

    const hasUsers = (await new UsersRepository(database.db).count()) > 0;
    return { managerUrl, sitesUrlTemplate, sshPort, hasUsers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Whether `director up` serves the manager over HTTPS: with a public host (DIRECTOR_PUBLIC_HOST) and an HTTPS port, in
 * the shared topology, with certificate files or an ACME directory to get one from. null (with a warning when it was
 * probably meant): the manager stays on its own port only.
 */
function managerHttpsPlan(
  config: UpConfig,
  httpsListen: string,
  log: Pick<Logger, "warn">,
): { host: Hostname; files: { certificatePath: string; keyPath: string } | null } | null {
  const raw = config.passThrough.manager.DIRECTOR_PUBLIC_HOST ?? "";
  if (raw === "" || httpsListen === "") return null;
  // Parsed once, here, before anything starts: the name goes into nginx's configuration and a certificate request.
  let host: Hostname;
  try {
    host = parseHostname(raw);
  } catch (cause) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `DIRECTOR_PUBLIC_HOST must be a host name (got ${JSON.stringify(raw)}).`,
      {
        cause,
        details: { variable: "DIRECTOR_PUBLIC_HOST" },
      },
    );
  }
  const { managerCertificateFile: certificatePath, managerCertificateKeyFile: keyPath } = config;
  if (certificatePath !== undefined && keyPath !== undefined) return { host, files: { certificatePath, keyPath } };
  if ((config.passThrough.router.DIRECTOR_ACME_DIRECTORY_URL ?? "") !== "") return { host, files: null };
  log.warn(
    { host },
    "the manager is not served over HTTPS: set DIRECTOR_ACME_DIRECTORY_URL, or DIRECTOR_MANAGER_CERTIFICATE_FILE and _KEY_FILE",
  );
  return null;
}
