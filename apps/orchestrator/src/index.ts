/**
 * What the orchestrator offers the other apps (the `director` command, e2e tests, benchmarks): its composition root,
 * its configuration, the manager's own HTTPS server block (director up), base images, and the helpers tests use to
 * clean up what they made on the Docker engine. Nothing else of apps/orchestrator is imported outside it
 * (dependency-cruiser's `apps-only-through-index`).
 */
export { ensureDebianBaseImage } from "./adapters/debian-base-image.js";
export { removeDockerTestObjects } from "./adapters/docker-test-objects.js";
export { ensureBusyboxBaseImage, stableBusyboxTag } from "./adapters/local-base-images.js";
export { LoopSiteVolumes } from "./adapters/loop-site-volumes.js";
export { NginxTrafficLog } from "./adapters/nginx-traffic-log.js";
export { sftpSiteLabel } from "./adapters/sftp-container-spec.js";
export { createSiteDatabaseEngine } from "./adapters/site-database-engines.js";
export { FsSiteDirectories } from "./adapters/site-directories.js";
export { bridgeInterfaceOf, removeSiteFirewall } from "./adapters/site-firewall.js";
export { removeSiteNetworkAnchor, type SitesGateway, siteNetworkAnchorName } from "./adapters/site-network-anchor.js";
export { attachedLoopDevices } from "./adapters/site-volume-images.js";
export { terminalSiteLabel } from "./adapters/terminal-container-spec.js";
export { removeTreeContents } from "./adapters/tree-removal.js";
export { loadOrchestratorConfig, orchestratorConfigTable } from "./config.js";
export { connectDocker } from "./connect-docker.js";
export { type ManagerServerEnv, renderManagerServer } from "./core/render-manager-server.js";
export { SiteDatabases } from "./core/site-databases.js";
export { siteUserOf } from "./core/site-user.js";
export { createOrchestrator } from "./main.js";
export { runOrchestrator } from "./run-orchestrator.js";
