import type { DirectorError } from "@director/domain/errors";
import type { ComponentMetrics } from "@director/http-kit/component-metrics";
import { buildInternalApp } from "@director/http-kit/internal-app";
import type { InternalToken } from "@director/http-kit/internal-auth";
import type { ReadinessChecks } from "@director/http-kit/readiness";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { NoSiteVolumes } from "../core/no-site-volumes.js";
import type {
  BalancerConfig,
  SiteDirectories,
  SiteFiles,
  SiteFolderWatch,
  SiteRedirects,
  SiteResources,
  SiteVolumes,
  TrafficLog,
  ZipLimits,
} from "../core/ports.js";
import type { SiteDatabaseTransfers } from "../core/site-database-transfers.js";
import type { SiteDatabases } from "../core/site-databases.js";
import type { SiteImages } from "../core/site-images.js";
import type { SiteInventory } from "../core/site-inventory.js";
import type { SiteServices } from "../core/site-services.js";
import type { SiteTerminals } from "../core/site-terminals.js";
import { registerDatabaseRoutes } from "./database-routes.js";
import { registerDatabaseTransferRoutes } from "./database-transfer-routes.js";
import { registerFileRoutes } from "./file-routes.js";
import { registerFolderEventRoutes } from "./folder-events-routes.js";
import { registerImageRoutes } from "./image-routes.js";
import { registerInventoryRoutes } from "./inventory-routes.js";
import { registerServiceRoutes } from "./service-routes.js";
import { registerSiteRoutes } from "./site-routes.js";
import { registerTerminalRoutes } from "./terminal-routes.js";
import { registerUsageRoutes } from "./usage-routes.js";

/** What the orchestrator's HTTP edge needs: its ports and two settings. */
export interface OrchestratorAppDeps {
  log: Logger;
  /** the token callers send; two during a rotation */
  token: InternalToken | readonly InternalToken[];
  directories: SiteDirectories;
  balancer: BalancerConfig;
  files: SiteFiles;
  /** the largest file one request reads or writes */
  maxFileBytes: number;
  /** the most one zip download may hold (DIRECTOR_MAX_ZIP_FILES, DIRECTOR_MAX_ZIP_BYTES) */
  zipLimits: ZipLimits;
  /** dynamic sites' services; null or absent: no Docker engine, the service routes answer 503 DOCKER_UNAVAILABLE */
  services?: SiteServices | null;
  /** what exists of each site, for the reconciler */
  inventory: SiteInventory;
  /** per-site images; null or absent: no Docker engine, the image route answers 503 DOCKER_UNAVAILABLE */
  images?: SiteImages | null;
  /** watches of sites' folders (the workspace's live tree) */
  folderWatch: SiteFolderWatch;
  /** shells in sites' terminal environments; null or absent: no Docker engine, a terminal says DOCKER_UNAVAILABLE */
  terminals?: SiteTerminals | null;
  /** sites' databases on the hosts the manager names */
  databases: SiteDatabases;
  /** exports and imports of sites' databases (their dump tools) */
  databaseTransfers: SiteDatabaseTransfers;
  /** the balancer's traffic log, which the manager counts per site */
  traffic: TrafficLog;
  /** what running site containers use; null or absent: no Docker engine, no samples */
  resources?: SiteResources | null;
  /** what holds sites to their disk quota (none: plain directories), and the quota a site has unless given its own */
  volumes?: SiteVolumes;
  defaultDiskQuotaBytes?: number;
  /** the old names of renamed sites, redirected (the nginx balancer); absent: refused with REDIRECTS_UNSUPPORTED */
  redirects?: SiteRedirects;
  /** why dynamic sites are refused (an engine that would run them unsafely): the service and image routes say it */
  dynamicSitesRefusal?: DirectorError;
  /** what GET /readyz checks */
  readiness?: ReadinessChecks;
  /** GET /metrics for a scraper holding the metrics token; absent: none */
  metrics?: { metrics: ComponentMetrics; token: string };
}

/** The orchestrator's internal API: every route of its table (contracts/orchestrator-api.ts), token-protected but /health. */
export function buildOrchestratorApp(deps: OrchestratorAppDeps): FastifyInstance {
  const app = buildInternalApp({
    component: "orchestrator",
    token: deps.token,
    log: deps.log,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  registerSiteRoutes(app, { ...deps, terminals: deps.terminals ?? null, redirects: deps.redirects ?? null });
  registerFileRoutes(app, deps);
  registerFolderEventRoutes(app, { watch: deps.folderWatch });
  const refusal = deps.dynamicSitesRefusal ?? null;
  registerServiceRoutes(app, { services: deps.services ?? null, refusal });
  registerInventoryRoutes(app, { inventory: deps.inventory });
  registerImageRoutes(app, { images: deps.images ?? null, refusal });
  registerDatabaseRoutes(app, { databases: deps.databases });
  registerDatabaseTransferRoutes(app, {
    transfers: deps.databaseTransfers,
    directories: deps.directories,
    zipLimits: deps.zipLimits,
  });
  registerUsageRoutes(app, {
    traffic: deps.traffic,
    resources: deps.resources ?? null,
    volumes: deps.volumes ?? new NoSiteVolumes(),
    defaultDiskQuotaBytes: deps.defaultDiskQuotaBytes ?? 1024 * 1024 * 1024,
  });
  registerTerminalRoutes(app, {
    terminals: refusal === null ? (deps.terminals ?? null) : null,
    refusal,
    log: deps.log,
  });
  return app;
}
