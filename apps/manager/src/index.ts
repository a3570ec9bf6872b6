/**
 * What the manager offers the other apps (the `director` command, e2e tests): its composition root, its
 * configuration, and the pieces the command line runs on its own. Nothing else of apps/manager is imported outside it
 * (dependency-cruiser's `apps-only-through-index`).
 */
export { OrchestratorClient } from "./adapters/orchestrator-client.js";
export { RouterClient } from "./adapters/router-client.js";
export { InProcessWakeup } from "./adapters/wakeup.js";
export { loadManagerConfig, managerConfigTable } from "./config.js";
export { AuthService } from "./features/auth/auth.service.js";
export { Argon2PasswordHasher } from "./features/auth/password-hasher.js";
export { type CurrentGuidelines, loadGuidelines } from "./features/guidelines/current-guidelines.js";
export { defaultGuidelinesText } from "./features/guidelines/default-guidelines.js";
export { siteSpecs } from "./features/operations/site-specs.js";
export { ReconcileService } from "./features/reconcile/reconcile.service.js";
export { startManager } from "./main.js";
