/**
 * What the manager offers the other apps (the `director` command, e2e tests): its composition root, its
 * configuration, and the pieces the command line runs on its own. Nothing else of apps/manager is imported outside it
 * (dependency-cruiser's `apps-only-through-index`).
 */
export { InProcessWakeup } from "./adapters/wakeup.js";
export { loadManagerConfig, managerConfigSchema, managerConfigTable } from "./config.js";
export { identityProviderProblems } from "./config-login.js";
export {
  type LocalDatabaseHost,
  type LocalDatabaseHostResult,
  registerLocalDatabaseHost,
} from "./features/database-hosts/local-database-host.js";
export { loadGuidelines } from "./features/guidelines/current-guidelines.js";
export { defaultGuidelinesText } from "./features/guidelines/default-guidelines.js";
export { defaultTrafficCollectorOptions, TrafficCollector } from "./features/usage/traffic-collector.js";
export { startManager } from "./main.js";
export { createManager, type Manager } from "./manager.js";
export { connectManagerAdapters } from "./manager-adapters.js";
