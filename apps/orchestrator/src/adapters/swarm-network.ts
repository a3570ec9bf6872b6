/** The swarm-scoped bridge network that site tasks join, so that the host reaches each task at its own address. */

import { DirectorError } from "@director/domain/errors";
import type Docker from "dockerode";
import { dockerFailure, isDockerConflict } from "./docker-errors.js";

/**
 * Containers on one bridge can reach each other unless inter-container communication (ICC) is off; DESIGN rule 5
 * says a site's container reaches no other site's. A swarm-scoped network drops driver options given directly
 * (checked on Docker 20.10: `-o com.docker.network.bridge.enable_icc=false` is ignored), so they come from a
 * per-node "config-only" network named here, the engine's documented way (`--config-only` / `--config-from`).
 * On a multi-node swarm every node needs this config-only network before tasks land on it.
 */
const isolationOptions = { "com.docker.network.bridge.enable_icc": "false" };

/** The per-node config-only network holding the bridge options of `name`. */
export function siteNetworkConfigName(name: string): string {
  return `${name}-config`;
}

/**
 * Creates the network `name` (driver bridge, scope swarm, ICC off, attachable) unless it exists with that
 * configuration; idempotent. Each task gets an address on a node-local bridge that the node's own nginx reaches
 * directly (no overlay, no IPVS), while tasks cannot reach one another. Attachable: a site's terminal container (a
 * plain container, adapters/docker-site-terminals.ts) joins it, so a terminal reaches exactly what the site's process
 * reaches, through the same firewall. An existing network made by an earlier version (without the isolation, or not
 * attachable) is replaced when no task uses it, and refused with a clear error otherwise. Returns its id.
 */
export async function ensureSiteNetwork(docker: Docker, name: string): Promise<string> {
  const configName = siteNetworkConfigName(name);
  if ((await findNetwork(docker, configName)) === undefined) {
    await createNetwork(
      docker,
      {
        Name: configName,
        ConfigOnly: true,
        Options: isolationOptions,
        Labels: { "org.director.managed": "true" },
      } as never,
      configName,
    );
  }
  const existing = await findNetwork(docker, name);
  if (existing !== undefined) {
    const info = (await docker.getNetwork(existing).inspect()) as {
      ConfigFrom?: { Network?: string };
      Attachable?: boolean;
    };
    if (info.ConfigFrom?.Network === configName && info.Attachable === true) return existing;
    await replaceOutdatedNetwork(docker, existing, name);
  }
  return createNetwork(
    docker,
    {
      Name: name,
      Driver: "bridge",
      Scope: "swarm",
      ConfigFrom: { Network: configName },
      Attachable: true,
      // No labels here: the engine refuses any option of its own on a network configured from another (403).
      CheckDuplicate: true,
    } as never,
    name,
  );
}

async function replaceOutdatedNetwork(docker: Docker, id: string, name: string): Promise<void> {
  try {
    await docker.getNetwork(id).remove();
  } catch (error) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `The network ${name} was made by an earlier version (site containers reach each other, or terminals cannot join it) and is in use; remove the site services on it (they are recreated) and start again.`,
      { cause: error },
    );
  }
}

async function createNetwork(docker: Docker, options: Docker.NetworkCreateOptions, name: string): Promise<string> {
  try {
    // CheckDuplicate makes the engine answer 409 instead of creating a second network of the same name.
    const network = await docker.createNetwork(options);
    return network.id;
  } catch (error) {
    if (isDockerConflict(error)) {
      const raced = await findNetwork(docker, name);
      if (raced !== undefined) return raced;
    }
    throw dockerFailure(`create network ${name}`, error);
  }
}

async function findNetwork(docker: Docker, name: string): Promise<string | undefined> {
  try {
    // The name filter matches substrings, hence the exact comparison.
    const networks = await docker.listNetworks({ filters: { name: [name] } });
    return networks.find((network) => network.Name === name)?.Id;
  } catch (error) {
    throw dockerFailure(`list networks named ${name}`, error);
  }
}
