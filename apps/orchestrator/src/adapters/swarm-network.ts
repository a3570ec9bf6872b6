/** The swarm-scoped bridge network that site tasks join, so that the host reaches each task at its own address. */
import type Docker from "dockerode";
import { dockerFailure, isDockerConflict } from "./docker-errors.js";

/**
 * Creates the network `name` (driver bridge, scope swarm: `docker network create -d bridge --scope swarm`) unless a
 * network of that name exists; idempotent. Swarm tasks may join it, and each gets an address on a node-local bridge
 * that the node's own nginx reaches directly (no overlay, no IPVS). Returns the network's id.
 */
export async function ensureSiteNetwork(docker: Docker, name: string): Promise<string> {
  const existing = await findNetwork(docker, name);
  if (existing !== undefined) return existing;
  try {
    // CheckDuplicate makes the engine answer 409 instead of creating a second network of the same name.
    const network = await docker.createNetwork({
      Name: name,
      Driver: "bridge",
      Scope: "swarm",
      CheckDuplicate: true,
      Labels: { "org.director.managed": "true" },
    });
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
