/**
 * The orchestrator's connection to the Docker engine: the site network, the firewall and the safety checks, then what
 * runs dynamic sites (services, images, containers' addresses, terminals). Part of the composition root (main.ts).
 */
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import Docker from "dockerode";
import type { Logger } from "pino";
import { DockerImageBuilder } from "./adapters/docker-image-builder.js";
import { DockerSiteContainers } from "./adapters/docker-site-containers.js";
import { DockerSiteResources } from "./adapters/docker-site-resources.js";
import { DockerSiteSftp } from "./adapters/docker-site-sftp.js";
import { DockerSiteTerminals } from "./adapters/docker-site-terminals.js";
import { DockerSwarmRuntime } from "./adapters/docker-swarm-runtime.js";
import { ensureBusyboxBaseImage } from "./adapters/local-base-images.js";
import { checkNoNewPrivileges } from "./adapters/no-new-privileges-check.js";
import { RegistryImageDistribution } from "./adapters/registry-image-distribution.js";
import { bridgeInterfaceOf, installSiteFirewall } from "./adapters/site-firewall.js";
import { ensureSiteNetworkAnchor, removeSiteNetworkAnchor, type SitesGateway } from "./adapters/site-network-anchor.js";
import { ensureSiteNetwork } from "./adapters/swarm-network.js";
import { defaultSwarmSiteSettings } from "./adapters/swarm-service-spec.js";
import type { SiteContainerEventSource, SiteTaskAddresses } from "./adapters/task-address-watcher.js";
import type { OrchestratorConfig } from "./config.js";
import type { ImageBuilder } from "./core/image-builder.js";
import type { ImageDistribution } from "./core/image-distribution.js";
import type { SiteResources } from "./core/ports.js";
import type { ServiceInventory, ServiceLogs, ServiceRuntime } from "./core/service-runtime.js";
import type { SftpRuntime, TerminalRuntime } from "./core/site-terminals.js";

/** What runs dynamic sites; absent when no Docker engine was reachable at start (static sites work without it). */
export interface DynamicSiteDeps {
  runtime: ServiceRuntime & ServiceLogs & ServiceInventory;
  /** The base image every site task runs; cached by its provider (see `connectDocker`) */
  baseImage: () => Promise<ImageRef>;
  /** Site containers' events and addresses; absent: addresses come from runtime.status and no watcher runs */
  siteContainers?: SiteContainerEventSource & SiteTaskAddresses;
  /** The port site tasks listen on ($PORT); default the runtime's default, 8080 */
  sitePort?: number;
  /** Builds per-site images; absent: the image route answers 503 DOCKER_UNAVAILABLE */
  imageBuilder?: ImageBuilder;
  /** Makes the images services run reachable from every node (DIRECTOR_REGISTRY); absent: local references */
  imageDistribution?: ImageDistribution;
  /** Where sites' terminals run; absent: a terminal says DOCKER_UNAVAILABLE */
  terminalRuntime?: TerminalRuntime;
  /** Where sites' sftp sessions run; absent: sftp says TERMINAL_FAILED */
  sftpRuntime?: SftpRuntime;
  /** What running site containers use; absent: no samples */
  siteResources?: SiteResources;
}

/**
 * What `connectDocker` found: what runs dynamic sites, or why they are refused (no engine, or an unsafe one); and,
 * when a gateway database port was configured, the sites network's gateway that a database host may listen on.
 */
export type DockerConnection = Partial<DynamicSiteDeps> & {
  dynamicSitesRefusal?: DirectorError;
  sitesGateway?: SitesGateway;
  /** asks the engine whether it answers (the orchestrator's readiness), when dynamic sites run on it */
  dockerPing?: () => Promise<void>;
};

/** How long `connectDocker` waits for the engine to answer a ping. */
const dockerPingTimeoutMs = 5_000;

/**
 * Connects to the Docker engine at config.docker.socketPath, creates the site network when missing and returns
 * what runs dynamic sites; when the engine cannot be reached (or is not a Swarm manager), logs a warning and
 * returns an empty object, so that the orchestrator runs with static sites only.
 */
export async function connectDocker(config: OrchestratorConfig, log: Logger): Promise<DockerConnection> {
  const docker = new Docker({ socketPath: config.docker.socketPath });
  let networkId: string;
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${dockerPingTimeoutMs} ms`)), dockerPingTimeoutMs);
    });
    try {
      await Promise.race([docker.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    networkId = await ensureSiteNetwork(docker, config.docker.siteNetwork);
  } catch (error) {
    log.warn(
      { err: error, socketPath: config.docker.socketPath },
      "the Docker engine is not reachable (or not a Swarm manager): dynamic sites are unavailable, static sites work",
    );
    return {};
  }
  let image: Promise<ImageRef> | null = null;
  const baseImage = (): Promise<ImageRef> => {
    // Built once, on the first dynamic site; a failure is not cached, so the next request tries again.
    image ??= ensureBusyboxBaseImage(docker).catch((error: unknown) => {
      image = null;
      throw error;
    });
    return image;
  };
  const port = config.docker.gatewayDatabasePort;
  let sitesGateway: SitesGateway | undefined;
  if (port !== undefined) {
    // The gateway exists only while a container is on the network here: the anchor keeps it, before the firewall
    // that opens the database port on it is installed. Without it, sites work, but no database host listens there.
    try {
      sitesGateway = await ensureSiteNetworkAnchor(docker, {
        installationId: config.installationId,
        networkName: config.docker.siteNetwork,
        image: await baseImage(),
      });
    } catch (error) {
      log.warn({ err: error }, "the sites network's gateway address could not be kept up: no database host there");
    }
  } else {
    // An earlier start's anchor, from when a database host listened there, is no longer needed.
    await removeSiteNetworkAnchor(docker, config.installationId).catch((error: unknown) =>
      log.warn({ err: error }, "could not remove the sites network's anchor container"),
    );
  }
  try {
    // Refused rather than run unsafely: a site's process must neither reach this node nor gain privileges.
    await installSiteFirewall({
      installationId: config.installationId,
      bridgeInterface: bridgeInterfaceOf(networkId),
      egress: config.docker.egress,
      ...(sitesGateway === undefined || port === undefined
        ? {}
        : { gatewayOpening: { address: sitesGateway.address, port } }),
    });
    await checkNoNewPrivileges(docker, await baseImage());
  } catch (error) {
    const refusal =
      error instanceof DirectorError && error.code === "DOCKER_UNSAFE"
        ? error
        : new DirectorError("DOCKER_UNSAFE", `Dynamic sites are refused: ${(error as Error).message}`, {
            cause: error,
          });
    log.error({ err: refusal }, "dynamic sites are refused: the Docker engine cannot run them safely");
    return { dynamicSitesRefusal: refusal };
  }
  return {
    ...(sitesGateway === undefined ? {} : { sitesGateway }),
    dockerPing: async () => {
      await docker.ping();
    },
    runtime: new DockerSwarmRuntime(docker, { installationId: config.installationId }),
    baseImage,
    siteContainers: new DockerSiteContainers(docker, config.docker.siteNetwork, config.installationId),
    sitePort: defaultSwarmSiteSettings.port,
    siteResources: new DockerSiteResources(docker, config.installationId),
    imageBuilder: new DockerImageBuilder(docker),
    ...(config.docker.registry === undefined
      ? {}
      : { imageDistribution: new RegistryImageDistribution(docker, config.docker.registry) }),
    terminalRuntime: new DockerSiteTerminals(docker, {
      ...defaultSwarmSiteSettings,
      installationId: config.installationId,
    }),
    sftpRuntime: new DockerSiteSftp(docker, {
      installationId: config.installationId,
      passwdDir: path.join(config.stateDir, "sftp-passwd"),
      log: log.child({ component: "site-sftp" }),
    }),
  };
}
