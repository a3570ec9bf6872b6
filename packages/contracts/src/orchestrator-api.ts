/**
 * The orchestrator's internal API, every route of it: called by the manager and the worker (and `director reconcile`)
 * with the orchestrator's token, keyed by site id. The servers register these routes and the clients call them, so
 * no path is written anywhere else. The schemas live beside their routes, one file per resource.
 */

import { healthRoute, livenessRoute, readinessRoute } from "./internal-health.js";
import { archiveSitesRoute } from "./orchestrator-archive.js";
import { exportSiteDatabaseRoute, importSiteDatabaseRoute } from "./orchestrator-database-transfers.js";
import {
  checkDatabaseHostRoute,
  databaseHostInventoryRoute,
  databaseHostSizesRoute,
  ensureSiteDatabaseRoute,
  removeSiteDatabaseRoute,
  rotateSiteDatabasePasswordRoute,
  runSiteStatementRoute,
  siteDatabaseSizeRoute,
  siteDatabaseWritesRoute,
} from "./orchestrator-databases.js";
import {
  changeFileRoute,
  copySiteFilesRoute,
  readFileRoute,
  removeFileRoute,
  watchFoldersRoute,
  writeFileRoute,
  zipFolderRoute,
} from "./orchestrator-files.js";
import { inventoryRoute } from "./orchestrator-inventory.js";
import {
  buildSiteImageRoute,
  followSiteLogsRoute,
  removeServiceRoute,
  removeSiteImagesRoute,
  restartServiceRoute,
  serviceStatusRoute,
  siteLogsRoute,
  upsertServiceRoute,
} from "./orchestrator-services.js";
import {
  ensureSiteDirectoriesRoute,
  removeBalancerRoute,
  removeSiteDirectoriesRoute,
  setSiteRedirectsRoute,
  upsertBalancerRoute,
} from "./orchestrator-sites.js";
import { openTerminalRoute } from "./orchestrator-terminals.js";
import { readDiskUsageRoute, readResourcesRoute, readTrafficRoute, setDiskQuotaRoute } from "./orchestrator-usage.js";
import type { RouteTable } from "./route.js";

export const orchestratorApi = {
  health: healthRoute,
  healthz: livenessRoute,
  readyz: readinessRoute,
  ensureSiteDirectories: ensureSiteDirectoriesRoute,
  removeSiteDirectories: removeSiteDirectoriesRoute,
  upsertBalancer: upsertBalancerRoute,
  setSiteRedirects: setSiteRedirectsRoute,
  removeBalancer: removeBalancerRoute,
  readFile: readFileRoute,
  writeFile: writeFileRoute,
  removeFile: removeFileRoute,
  changeFile: changeFileRoute,
  zipFolder: zipFolderRoute,
  archiveSites: archiveSitesRoute,
  copySiteFiles: copySiteFilesRoute,
  watchFolders: watchFoldersRoute,
  upsertService: upsertServiceRoute,
  removeService: removeServiceRoute,
  restartService: restartServiceRoute,
  serviceStatus: serviceStatusRoute,
  siteLogs: siteLogsRoute,
  followSiteLogs: followSiteLogsRoute,
  removeSiteImages: removeSiteImagesRoute,
  buildSiteImage: buildSiteImageRoute,
  openTerminal: openTerminalRoute,
  inventory: inventoryRoute,
  ensureSiteDatabase: ensureSiteDatabaseRoute,
  rotateSiteDatabasePassword: rotateSiteDatabasePasswordRoute,
  removeSiteDatabase: removeSiteDatabaseRoute,
  siteDatabaseSize: siteDatabaseSizeRoute,
  databaseHostSizes: databaseHostSizesRoute,
  siteDatabaseWrites: siteDatabaseWritesRoute,
  databaseHostInventory: databaseHostInventoryRoute,
  checkDatabaseHost: checkDatabaseHostRoute,
  runSiteStatement: runSiteStatementRoute,
  exportSiteDatabase: exportSiteDatabaseRoute,
  importSiteDatabase: importSiteDatabaseRoute,
  readTraffic: readTrafficRoute,
  readResources: readResourcesRoute,
  readDiskUsage: readDiskUsageRoute,
  setDiskQuota: setDiskQuotaRoute,
} as const satisfies RouteTable;
