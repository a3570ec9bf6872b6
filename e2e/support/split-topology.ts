/**
 * The environment of an installation run as separate component processes (production's split topology) on one
 * machine: free ports, a data directory, fresh internal tokens, its own installation id (so that its Docker objects
 * are removed after), and the cleanup of what its processes leave (mounts, loop devices, Docker objects, files).
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateInternalToken } from "@director/http-kit/internal-auth";
import { freePort } from "@director/testing/free-port";
import { detachLoopDevicesBelow, removeInstallationDockerObjects, unmountBelow } from "./director-process.js";

export interface SplitTopology {
  dataDir: string;
  ports: Record<"manager" | "orchestrator" | "router" | "edge" | "balancer", number>;
  /** every component's variables; callers add their own (worker timings, a broker) */
  env: Record<string, string>;
  /** removes what the processes left; stop them first */
  cleanup(): Promise<void>;
}

export async function prepareSplitTopology(options: {
  databaseUrl: string;
  installationId: string;
  /** the data directory's name prefix under the temporary directory */
  prefix: string;
}): Promise<SplitTopology> {
  const dataDir = await mkdtemp(path.join(tmpdir(), options.prefix));
  await chmod(dataDir, 0o755);
  const ports = {
    manager: await freePort(),
    orchestrator: await freePort(),
    router: await freePort(),
    edge: await freePort(),
    balancer: await freePort(),
  };
  const env = {
    DATABASE_URL: options.databaseUrl,
    DIRECTOR_SITES_DOMAIN: "sites.test",
    DIRECTOR_SITES_URL_TEMPLATE: `http://{name}.sites.test:${ports.edge}/`,
    DIRECTOR_MANAGER_PORT: String(ports.manager),
    DIRECTOR_ORCHESTRATOR_PORT: String(ports.orchestrator),
    DIRECTOR_ORCHESTRATOR_URL: `http://127.0.0.1:${ports.orchestrator}`,
    DIRECTOR_ORCHESTRATOR_TOKEN: generateInternalToken(),
    // its own installation: the site network it creates (director-<id>-sites) is removed afterwards
    DIRECTOR_INSTALLATION_ID: options.installationId,
    DIRECTOR_ROUTER_PORT: String(ports.router),
    DIRECTOR_ROUTER_URL: `http://127.0.0.1:${ports.router}`,
    DIRECTOR_ROUTER_TOKEN: generateInternalToken(),
    DIRECTOR_SITES_DIR: path.join(dataDir, "sites"),
    DIRECTOR_SITE_VOLUMES_DIR: path.join(dataDir, "site-volumes"),
    DIRECTOR_BALANCER_LISTEN: `127.0.0.1:${ports.balancer}`,
    DIRECTOR_BALANCER_NGINX_DIR: path.join(dataDir, "balancer-nginx"),
    DIRECTOR_EDGE_LISTEN: `127.0.0.1:${ports.edge}`,
    DIRECTOR_ROUTER_NGINX_DIR: path.join(dataDir, "router-nginx"),
    DIRECTOR_TOPOLOGY: "split",
    DIRECTOR_BALANCERS: `127.0.0.1:${ports.balancer}`,
  };
  return {
    dataDir,
    ports,
    env,
    cleanup: async () => {
      await removeInstallationDockerObjects(options.installationId);
      await unmountBelow(dataDir);
      await detachLoopDevicesBelow(dataDir);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
