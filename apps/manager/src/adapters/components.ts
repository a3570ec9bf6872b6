/**
 * The other components as the manager uses them: the orchestrator (site directories, files, balancer, processes,
 * images) and the router (routes), behind the ports its features define, over their internal APIs.
 */

import { parseInternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import type { ManagerConfig } from "../config.js";
import type { SitesArchiver } from "../features/account-archive/account-archive.service.js";
import type { DatabaseHostChecker } from "../features/database-hosts/database-host-checker.js";
import type { SiteFileStore } from "../features/files/site-file-store.js";
import type { SiteHost } from "../features/operations/site-host.js";
import type { HostInventory, LeftoverRemoval } from "../features/reconcile/host-inventory.js";
import type { SiteDatabaseHosting } from "../features/site-databases/site-database-hosting.js";
import type { SiteDatabaseDumps } from "../features/site-databases/site-database-transfers.service.js";
import type { SiteProcessReader } from "../features/sites/site-process.routes.js";
import type { ResourceSampler } from "../features/usage/resource-sampler.js";
import type { SiteDisks } from "../features/usage/site-disks.js";
import type { TrafficLog } from "../features/usage/traffic-log.js";
import type { SiteFolderEvents } from "../features/workspace/file-events.routes.js";
import type { TerminalShells } from "../features/workspace/terminal-socket-route.js";
import { OrchestratorClient } from "./orchestrator-client.js";
import { RouterClient } from "./router-client.js";

/** Everything of the other components the manager's features call. */
export interface Components {
  /** what operations change on the machines, and what reconcile removes */
  host: SiteHost & LeftoverRemoval;
  /** what reconcile reads */
  inventory: HostInventory;
  /** a site's files (the files API) */
  fileStore: SiteFileStore;
  /** a dynamic site's process and log */
  siteProcess: SiteProcessReader;
  /** shells in sites' terminal environments */
  terminalShells: TerminalShells;
  /** changes in sites' folders (the workspace's live tree) */
  folderEvents: SiteFolderEvents;
  /** checks a database host's admin account before it is registered */
  databaseHostChecker: DatabaseHostChecker;
  /** makes, changes and drops sites' databases on their hosts */
  siteDatabaseHosting: SiteDatabaseHosting;
  /** exports and imports of sites' databases */
  siteDatabaseDumps: SiteDatabaseDumps;
  /** several sites' files and dumps in one zip */
  sitesArchiver: SitesArchiver;
  /** the balancer's traffic log, read from a cursor */
  trafficLog: TrafficLog;
  resourceSampler: ResourceSampler;
  /** how full sites' volumes are, and their quotas */
  siteDisks: SiteDisks;
}

/** The components named by the config (their URLs and tokens); nothing is contacted until a call is made. */
export function connectComponents(config: Pick<ManagerConfig, "orchestrator" | "router">): Components {
  const client = (component: string, api: { url: string; token: string }) =>
    new InternalClient({ component, baseUrl: api.url, token: parseInternalToken(api.token) });
  const orchestrator = new OrchestratorClient(client("orchestrator", config.orchestrator));
  const router = new RouterClient(client("router", config.router));
  return {
    host: {
      ensureDirectories: (id) => orchestrator.ensureDirectories(id),
      removeDirectories: (id) => orchestrator.removeDirectories(id),
      upsertBalancer: (spec) => orchestrator.upsertBalancer(spec),
      removeBalancer: (id) => orchestrator.removeBalancer(id),
      upsertRoute: (id, spec) => router.upsertRoute(id, spec),
      removeRoute: (id) => router.removeRoute(id),
      setRedirects: (redirects) => orchestrator.setRedirects(redirects),
      removeLegacyRoute: (name) => router.removeLegacyRoute(name),
      issueCertificate: (domain, renewWithinDays) => router.issueCertificate(domain, renewWithinDays),
      removeCertificate: (domain) => router.removeCertificate(domain),
      upsertService: (request) => orchestrator.upsertService(request),
      removeService: (id) => orchestrator.removeService(id),
      removeImages: (id) => orchestrator.removeImages(id),
      restartService: (id) => orchestrator.restartService(id),
      buildSiteImage: (request) => orchestrator.buildSiteImage(request),
      writeRunScript: (id, script) => orchestrator.writeRunScript(id, script),
      copySiteFiles: (id, fromId) => orchestrator.copySiteFiles(id, fromId),
    },
    inventory: {
      orchestratorInventory: (id) => orchestrator.orchestratorInventory(id),
      routerInventory: () => router.routerInventory(),
      certificateInventory: () => router.certificateInventory(),
    },
    fileStore: orchestrator,
    siteProcess: orchestrator,
    terminalShells: { open: (site, request) => orchestrator.openTerminal(site.id, request) },
    folderEvents: { watch: (siteId, folders, signal) => orchestrator.watchFolders(siteId, folders, signal) },
    databaseHostChecker: { check: (host) => orchestrator.checkDatabaseHost(host) },
    siteDatabaseHosting: {
      ensure: (id, host, password) => orchestrator.ensureSiteDatabase(id, host, password),
      setPassword: (id, host, password) => orchestrator.setSiteDatabasePassword(id, host, password),
      remove: (id, host) => orchestrator.removeSiteDatabase(id, host),
      size: (id, host) => orchestrator.siteDatabaseSize(id, host),
      sizes: (host, ids) => orchestrator.databaseHostSizes(host, ids),
      setWritesAllowed: (id, host, isAllowed) => orchestrator.setSiteDatabaseWrites(id, host, isAllowed),
      inventory: (host) => orchestrator.databaseHostInventory(host),
      runStatement: (id, host, password, statement) => orchestrator.runSiteStatement(id, host, password, statement),
    },
    siteDatabaseDumps: {
      export: (id, host, password, signal) => orchestrator.exportSiteDatabase(id, host, password, signal),
      import: (id, access, dump, signal) => orchestrator.importSiteDatabase(id, access, dump, signal),
    },
    sitesArchiver: { archive: (request, signal) => orchestrator.archiveSites(request, signal) },
    trafficLog: { read: (after) => orchestrator.readTraffic(after) },
    resourceSampler: { sample: (eventsSince) => orchestrator.readResources(eventsSince) },
    siteDisks: {
      measure: () => orchestrator.readDiskUsage(),
      setQuota: (id, quotaBytes) => orchestrator.setDiskQuota(id, quotaBytes),
    },
  };
}
