/**
 * Keeps this node's bridge of the sites network up, so that its gateway address exists for a listener to bind.
 *
 * A swarm-scoped bridge network has no bridge on a node until a container joins it there, and the engine removes the
 * bridge (and its address) when the last one leaves (checked on Docker 20.10: `br-<id>` and its 172.x.0.1 appear with
 * the first container and are gone a second after the last). A database host for sites that listens on the gateway
 * (`director up`'s site PostgreSQL) needs the address before any site runs and while none does; so one idle container
 * of the installation's own stays on the network: no capabilities, read-only, as nobody, listening on nothing, and
 * behind the same firewall and ICC-off bridge as every site container.
 */
import { isIPv4 } from "node:net";
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type Docker from "dockerode";
import { dockerFailure, isDockerConflict, isDockerNotFound } from "./docker-errors.js";
import { installationLabel } from "./swarm-service-spec.js";

/** The label of the anchor container (valued with the network's name), for cleanup. */
export const siteNetworkAnchorLabel = "org.director.sites-network-anchor";

/** The node's address on the sites network and the network's block, as the anchor container sees them. */
export interface SitesGateway {
  /** the gateway's IPv4 address, this node's own on the sites bridge */
  address: string;
  /** the network's IPv4 block, e.g. `172.19.0.0/16` */
  subnet: string;
}

/** The anchor container of an installation's sites network on this node. */
export function siteNetworkAnchorName(installationId: InstallationId): string {
  return `director-${installationId}-sites-anchor`;
}

/** Creates (or starts) the anchor container and returns the gateway it sees; idempotent. */
export async function ensureSiteNetworkAnchor(
  docker: Docker,
  options: { installationId: InstallationId; networkName: string; image: ImageRef },
): Promise<SitesGateway> {
  const name = siteNetworkAnchorName(options.installationId);
  let info = await inspectIfPresent(docker, name);
  if (info !== null && info.Config.Image !== options.image) {
    await docker.getContainer(name).remove({ force: true });
    info = null;
  }
  if (info === null) {
    try {
      await docker.createContainer({
        name,
        Image: options.image,
        // docker-init is PID 1 and forwards the stop signal; sleep does nothing else.
        Cmd: ["sleep", "2147483647"],
        User: "65534:65534",
        Labels: { [siteNetworkAnchorLabel]: options.networkName, [installationLabel]: options.installationId },
        HostConfig: {
          Init: true,
          ReadonlyRootfs: true,
          CapDrop: ["ALL"],
          SecurityOpt: ["no-new-privileges"],
          Memory: 16 * 1024 * 1024,
          MemorySwap: 16 * 1024 * 1024,
          PidsLimit: 8,
          NetworkMode: options.networkName,
          // Back after a reboot or an engine restart, so that the gateway address comes back with it.
          RestartPolicy: { Name: "unless-stopped" },
          LogConfig: { Type: "none", Config: {} },
        },
      } as Docker.ContainerCreateOptions);
    } catch (error) {
      if (!isDockerConflict(error)) throw dockerFailure(`create the container ${name}`, error);
    }
    info = await inspectIfPresent(docker, name);
  }
  if (info?.State.Running !== true) {
    try {
      await docker.getContainer(name).start();
    } catch (error) {
      // 304: started meanwhile
      if ((error as { statusCode?: number }).statusCode !== 304) throw dockerFailure(`start ${name}`, error);
    }
  }
  return gatewayOf(docker, name, options.networkName);
}

/** Removes the anchor container (tests, an installation taken down); absent is fine. */
export async function removeSiteNetworkAnchor(docker: Docker, installationId: InstallationId): Promise<void> {
  try {
    await docker.getContainer(siteNetworkAnchorName(installationId)).remove({ force: true });
  } catch (error) {
    // 404: absent; 409: its removal is under way already
    if (!isDockerNotFound(error) && !isDockerConflict(error)) throw dockerFailure("remove the sites anchor", error);
  }
}

async function inspectIfPresent(docker: Docker, name: string): Promise<Docker.ContainerInspectInfo | null> {
  try {
    return await docker.getContainer(name).inspect();
  } catch (error) {
    if (isDockerNotFound(error)) return null;
    throw dockerFailure(`inspect ${name}`, error);
  }
}

/** The network's gateway and block on this node; the node-local view that the running anchor gives the network. */
async function gatewayOf(docker: Docker, name: string, networkName: string): Promise<SitesGateway> {
  let network: { IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> } };
  try {
    network = await docker.getNetwork(networkName).inspect();
  } catch (error) {
    throw dockerFailure(`inspect the network ${networkName}`, error);
  }
  const config = network.IPAM?.Config?.find((entry) => isIPv4(entry.Gateway ?? ""));
  const { Gateway: address, Subnet: subnet } = config ?? {};
  if (address === undefined || subnet === undefined || !/^[0-9.]+\/[0-9]{1,2}$/.test(subnet)) {
    throw new DirectorError(
      "DOCKER_UNAVAILABLE",
      `The network ${networkName} has no IPv4 gateway on this node although ${name} runs on it.`,
    );
  }
  return { address, subnet };
}
