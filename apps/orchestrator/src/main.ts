/**
 * The orchestrator's composition root: config → adapters → HTTP app. Nothing else wires.
 * `createOrchestrator` takes the balancer's nginx files from the caller, because under `director up` one nginx is
 * shared with the router; `runOrchestrator` (run-orchestrator.ts) is the standalone process with an nginx of its own.
 */

import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { ConfigFiles } from "@director/host/config-files";
import type { NginxServer } from "@director/host/nginx-server";
import { trafficLogLayout } from "@director/host/nginx-traffic-log";
import { resolveNginxWorkerUser } from "@director/host/nginx-worker-user";
import { ensureNosuidNodevMount, type SitesMount } from "@director/host/nosuid-mount";
import { type ComponentMetrics, servedMetrics } from "@director/http-kit/component-metrics";
import { acceptedTokens } from "@director/http-kit/internal-auth";
import type { ReadinessChecks } from "@director/http-kit/readiness";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { NginxBalancerConfig } from "./adapters/balancer-config.js";
import { FsBalancerSpecStore } from "./adapters/balancer-spec-store.js";
import { FsCertificateInspector } from "./adapters/certificate-inspector.js";
import { ConfiguredSiteVolumes } from "./adapters/configured-site-volumes.js";
import { FsSiteIndex } from "./adapters/fs-site-index.js";
import { LoopSiteVolumes } from "./adapters/loop-site-volumes.js";
import { MariadbSiteDumps } from "./adapters/mariadb-site-dumps.js";
import { NginxTrafficLog } from "./adapters/nginx-traffic-log.js";
import { PostgresSiteDumps } from "./adapters/postgres-site-dumps.js";
import { createSiteDatabaseEngine } from "./adapters/site-database-engines.js";
import { FsSiteDirectories } from "./adapters/site-directories.js";
import { FsSiteFiles } from "./adapters/site-files.js";
import { FsSiteFolderWatch } from "./adapters/site-folder-watch.js";
import { assertSiteUidRangeFree } from "./adapters/site-uid-range.js";
import { defaultSwarmSiteSettings } from "./adapters/swarm-service-spec.js";
import { TaskAddressWatcher } from "./adapters/task-address-watcher.js";
import type { OrchestratorConfig } from "./config.js";
import type { DockerConnection } from "./connect-docker.js";
import { distributed } from "./core/image-distribution.js";
import type { ServiceRuntime } from "./core/service-runtime.js";
import { upgradeToSiteAccounts } from "./core/site-accounts-upgrade.js";
import { type SiteAddressLookup, UpstreamTrackingBalancer } from "./core/site-balancer.js";
import { SiteDatabaseTransfers } from "./core/site-database-transfers.js";
import { SiteDatabases } from "./core/site-databases.js";
import { SiteImages } from "./core/site-images.js";
import { SiteInventory } from "./core/site-inventory.js";
import { SiteServices } from "./core/site-services.js";
import { SiteTerminals } from "./core/site-terminals.js";
import { siteUserOf } from "./core/site-user.js";
import { buildOrchestratorApp } from "./http/app.js";

/** A built orchestrator: its HTTP app (for inject), and start/stop of its listener. */
export interface OrchestratorHandle {
  app: FastifyInstance;
  /** Settles when sites made before per-site accounts have theirs (started by `listen()`, in the background) */
  upgraded: Promise<void>;
  /** Prepares the sites directory, listens, and resolves to the API's base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** What createOrchestrator needs besides its config. */
export interface OrchestratorDeps extends DockerConnection {
  balancerFiles: ConfigFiles;
  /**
   * The balancer's nginx, told to reopen its logs when the traffic log rotates. Absent (tests that start no such
   * nginx): the traffic log is read but never rotated.
   */
  balancerNginx?: Pick<NginxServer, "reopenLogs">;
  log: Logger;
  /** what GET /readyz checks (the standalone orchestrator: its nginx and Docker) */
  readiness?: ReadinessChecks;
  /**
   * The metrics GET /metrics serves when DIRECTOR_METRICS_TOKEN is set, given by the caller that also counts its
   * nginx's reloads in them (`componentMetricsOf`); absent: made here.
   */
  metrics?: ComponentMetrics;
}

/**
 * Builds the orchestrator on the given balancer config directory; the sites directory is prepared when the app is
 * ready. With a `runtime` (and its `baseImage`), dynamic sites are wired: the service routes, upstreams filled from
 * the running task, and a task address watcher that `listen()` starts and `close()` stops.
 */
export function createOrchestrator(config: OrchestratorConfig, deps: OrchestratorDeps): OrchestratorHandle {
  const log = deps.log.child({ component: "orchestrator" });
  const siteUser = (id: SiteId) => siteUserOf(id, config.sites.uidBase);
  const volumes = siteVolumesOf(config);
  const directories = new FsSiteDirectories(config.sites.dir, {
    volumes,
    siteUserOf: siteUser,
    // The nginx workers that serve public/ pass through each site directory by its group.
    resolveServingGid: async () => (await resolveNginxWorkerUser(undefined))?.gid ?? process.getgid?.() ?? 0,
  });
  const sitesCertificate = sitesCertificateOf(config);
  // Inside nginx's own directory: its workers read the index on each request.
  const siteIndex = new FsSiteIndex(path.join(config.balancer.nginxDir, "site-index"));
  const nginxBalancer = new NginxBalancerConfig({
    files: deps.balancerFiles,
    index: siteIndex,
    directories,
    env: {
      listen: config.balancer.listen,
      sitesDomain: config.sites.domain,
      defaultClientBodyLimitBytes: config.sites.defaultClientBodyLimitBytes,
      indexDir: siteIndex.dir,
      acmeChallengesRoot: config.balancer.acmeChallengesRoot === "" ? null : config.balancer.acmeChallengesRoot,
      tls:
        config.balancer.tlsListen === "" || config.balancer.certificatesDir === ""
          ? null
          : {
              listen: config.balancer.tlsListen,
              certificatesDir: config.balancer.certificatesDir,
              certificates: new FsCertificateInspector(config.balancer.certificatesDir, log),
              hstsMaxAgeSeconds: config.balancer.hstsMaxAgeSeconds,
              sitesCertificate,
            },
    },
  });
  const { runtime, siteContainers, balancerNginx } = deps;
  if (runtime !== undefined && deps.baseImage === undefined) {
    throw new DirectorError("CONFIG_INVALID", "createOrchestrator: a runtime needs its baseImage.");
  }
  const balancer = new UpstreamTrackingBalancer({
    balancer: nginxBalancer,
    specs: new FsBalancerSpecStore(config.stateDir),
    addressOf:
      runtime === undefined ? null : (siteContainers?.addressOf.bind(siteContainers) ?? runningTaskAddress(runtime)),
    sitePort: deps.sitePort ?? defaultSwarmSiteSettings.port,
  });
  const images =
    deps.imageBuilder === undefined || deps.baseImage === undefined
      ? null
      : new SiteImages({
          builder: deps.imageBuilder,
          baseImage: deps.baseImage,
          ...(deps.imageDistribution === undefined ? {} : { distribution: deps.imageDistribution }),
          installationId: config.installationId,
        });
  const services =
    runtime === undefined || deps.baseImage === undefined
      ? null
      : new SiteServices({
          runtime,
          directories,
          siteUserOf: siteUser,
          baseImage: distributed(deps.baseImage, deps.imageDistribution),
          networkName: config.docker.siteNetwork,
          defaultLimits: config.siteLimits,
          refreshBalancer: (id, address) => balancer.refresh(id, address),
          ...(images === null ? {} : { siteImages: images }),
          log: log.child({ component: "site-services" }),
        });
  const terminals =
    services === null || deps.terminalRuntime === undefined
      ? null
      : new SiteTerminals({
          runtime: deps.terminalRuntime,
          ...(deps.sftpRuntime === undefined ? {} : { sftp: deps.sftpRuntime }),
          specOf: (id, request) => services.specOf(id, request),
          ensureDirectory: (id) => directories.ensure(id),
          log: log.child({ component: "site-terminals" }),
        });
  const watcher =
    services === null || siteContainers === undefined
      ? null
      : new TaskAddressWatcher({
          installationId: config.installationId,
          events: siteContainers,
          addresses: siteContainers,
          log: log.child({ component: "task-address-watcher" }),
          // No stored spec (not a site the balancer was told about yet): refresh is a no-op.
          onChange: (siteId, address) => balancer.refresh(siteId, address),
        });
  const databases = new SiteDatabases({
    installationId: config.installationId,
    createEngine: createSiteDatabaseEngine,
    log: log.child({ component: "site-databases" }),
  });
  const trafficLog = new NginxTrafficLog({
    layout: trafficLogLayout(config.balancer.nginxDir),
    reopenLogs: balancerNginx === undefined ? null : () => balancerNginx.reopenLogs(),
    log: log.child({ component: "traffic-log" }),
  });
  // Held to its size even when the manager does not read it (its counting off, or down for long).
  const trafficTrimTimer = setInterval(() => {
    if (!config.balancer.trafficLog) return;
    trafficLog.trim().catch((error: unknown) => log.warn({ err: error }, "could not trim the traffic log"));
  }, 60_000);
  trafficTrimTimer.unref();
  const app = buildOrchestratorApp({
    log,
    token: acceptedTokens(config),
    ...servedMetrics("orchestrator", config.metricsToken, deps.metrics),
    directories,
    balancer,
    redirects: nginxBalancer,
    files: new FsSiteFiles(directories, { ownerOf: siteUser, diskUsageOf: (id) => volumes.usageOf(id) }),
    folderWatch: new FsSiteFolderWatch((id) => directories.pathOf(id)),
    maxFileBytes: config.files.maxFileBytes,
    zipLimits: { maxFiles: config.files.maxZipFiles, maxBytes: config.files.maxZipBytes },
    services,
    inventory: new SiteInventory({
      installationId: config.installationId,
      directories,
      balancer,
      services: services === null ? null : (runtime ?? null),
      runningAddresses: services === null ? null : (siteContainers?.runningAddresses.bind(siteContainers) ?? null),
      siteImages: images,
    }),
    images,
    terminals,
    databases,
    resources: deps.siteResources ?? null,
    volumes,
    defaultDiskQuotaBytes: config.sites.diskQuotaBytes,
    traffic: trafficLog,
    databaseTransfers: new SiteDatabaseTransfers({
      installationId: config.installationId,
      databases,
      tools: { postgres: new PostgresSiteDumps(), mysql: new MariadbSiteDumps() },
    }),
    ...(deps.dynamicSitesRefusal ? { dynamicSitesRefusal: deps.dynamicSitesRefusal } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });
  let sitesMount: SitesMount | null = null;
  // onReady runs before the first request, whether the app listens or is driven by inject.
  app.addHook("onReady", async () => {
    await assertSiteUidRangeFree(config.sites.uidBase);
    await directories.prepare();
    await nginxBalancer.prepare();
    // Site files are the sites' own: a setuid one must never run as its owner for another local account.
    sitesMount = await ensureNosuidNodevMount(config.sites.dir);
    if (sitesMount.state === "mounted") log.info({ dir: config.sites.dir }, "mounted the sites directory nosuid,nodev");
    // After that bind mount: volumes mounted before it would be hidden under it.
    await volumes.resolve(log);
  });
  // Stop the watcher before the app closes, so that no re-render runs against a stopped nginx.
  // A replaced wildcard certificate of the sites domain is served within 10 minutes, without a restart.
  let sitesCertificateTimer: NodeJS.Timeout | undefined;
  if (sitesCertificate !== null) {
    sitesCertificateTimer = setInterval(() => {
      nginxBalancer.refreshSitesCertificate().then(
        (isInPlace) => {
          if (!isInPlace) log.error("the sites domain's certificate cannot be used; the one in place keeps serving");
        },
        (error: unknown) => log.error({ err: error }, "could not install the sites domain's certificate"),
      );
    }, sitesCertificateCheckMs);
    sitesCertificateTimer.unref();
  }
  app.addHook("onClose", async () => {
    clearInterval(sitesCertificateTimer);
    clearInterval(trafficTrimTimer);
    await terminals?.closeAll();
    await watcher?.stop();
    // Site volumes stay mounted, and so does the bind mount they sit on: a restart then needs no mount per site
    // (bench/README.md: about 11 ms each), and running site containers keep the very mounts they hold.
    if (!volumes.isEnforced) await sitesMount?.release();
    await databases.close();
  });
  let upgraded: Promise<void> = Promise.resolve();
  return {
    app,
    get upgraded() {
      return upgraded;
    },
    listen: async () => {
      const url = await app.listen({ host: config.http.host, port: config.http.port });
      watcher?.start();
      // Terminal containers a previous run left have no shells: they go (in the background; new ones do not wait).
      terminals?.removeLeftovers().catch((error: unknown) => {
        log.warn({ err: error }, "could not remove the terminal containers a previous run left");
      });
      // In the background: a large legacy tree takes a while, and every site works meanwhile (ensure adopts too).
      upgraded = upgradeToSiteAccounts({
        directories,
        services: services === null ? null : (runtime ?? null),
        siteUserOf: siteUser,
        log,
      }).then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, "giving legacy sites their own accounts failed"),
      );
      return url;
    },
    close: async () => {
      await upgraded;
      await app.close();
    },
  };
}

/** Address lookup through ServiceRuntime.status, when no site container source is given. */
function runningTaskAddress(runtime: ServiceRuntime): SiteAddressLookup {
  return async (id: SiteId) => {
    const status = await runtime.status(id);
    return status.state === "running" ? (status.tasks[0]?.address ?? null) : null;
  };
}

const sitesCertificateCheckMs = 10 * 60 * 1000;

/** The site volumes the configuration asks for; which ones is decided when the orchestrator starts. */
function siteVolumesOf(config: OrchestratorConfig): ConfiguredSiteVolumes {
  return new ConfiguredSiteVolumes(
    config.sites.volumes,
    () =>
      new LoopSiteVolumes({
        volumesDir: config.sites.volumesDir,
        sitePath: (id) => path.join(config.sites.dir, String(id)),
        defaultQuotaBytes: config.sites.diskQuotaBytes,
      }),
    config.sites.dir,
  );
}

/** The sites domain's wildcard certificate files, or null; CONFIG_INVALID for a half or unusable setting. */
function sitesCertificateOf(config: OrchestratorConfig): { certificatePath: string; keyPath: string } | null {
  const {
    sitesCertificateFile: certificatePath,
    sitesCertificateKeyFile: keyPath,
    tlsListen,
    certificatesDir,
  } = config.balancer;
  if (certificatePath === "" && keyPath === "") return null;
  if (certificatePath === "" || keyPath === "") {
    throw new DirectorError(
      "CONFIG_INVALID",
      "DIRECTOR_SITES_CERTIFICATE_FILE and DIRECTOR_SITES_CERTIFICATE_KEY_FILE go together: set both or neither.",
    );
  }
  if (tlsListen === "" || certificatesDir === "") {
    throw new DirectorError(
      "CONFIG_INVALID",
      "The sites domain's certificate needs HTTPS: set DIRECTOR_HTTPS_PORT (director up), or DIRECTOR_BALANCER_TLS_LISTEN and DIRECTOR_BALANCER_CERTIFICATES_DIR.",
    );
  }
  return { certificatePath, keyPath };
}
