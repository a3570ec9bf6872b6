/** The engine side of the task address watcher: site container events and addresses, through the Engine API. */
import type { Readable } from "node:stream";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import { dockerFailure } from "./docker-errors.js";
import { parseSiteIdLabel } from "./site-container-events.js";
import { installationFilter, installationLabel, siteIdLabel } from "./swarm-service-spec.js";
import type { SiteContainerEventSource, SiteTaskAddresses } from "./task-address-watcher.js";

/**
 * This installation's site containers (labelled with the installation and their site id) on this node's engine, and
 * their addresses on the site network. Another installation's containers on the same engine are never seen.
 */
export class DockerSiteContainers implements SiteContainerEventSource, SiteTaskAddresses {
  readonly #docker: Docker;
  readonly #networkName: string;
  readonly #installationId: InstallationId;

  /** `networkName`: the swarm-scoped bridge network site tasks join (SiteServiceSpec.networkName). */
  constructor(docker: Docker, networkName: string, installationId: InstallationId) {
    this.#docker = docker;
    this.#networkName = networkName;
    this.#installationId = installationId;
  }

  async open(): Promise<Readable> {
    try {
      // Filtered by the engine, so a node running thousands of other containers sends only what matters here.
      const stream = await this.#docker.getEvents({
        // Several label filters must all match: this installation's site containers only.
        filters: {
          type: ["container"],
          event: ["start", "die"],
          label: [siteIdLabel, installationFilter(this.#installationId)],
        },
      });
      // dockerode types the answer as NodeJS.ReadableStream; it is the HTTP response, a Readable.
      return stream as Readable;
    } catch (error) {
      throw dockerFailure("follow the engine's container events", error);
    }
  }

  async addressOf(siteId: SiteId): Promise<string | null> {
    const containers = await this.#listRunning(`${siteIdLabel}=${siteId}`);
    return newestAddresses(containers, this.#networkName, this.#installationId).get(siteId) ?? null;
  }

  async runningAddresses(): Promise<Map<SiteId, string>> {
    return newestAddresses(await this.#listRunning(siteIdLabel), this.#networkName, this.#installationId);
  }

  async #listRunning(labelFilter: string): Promise<Docker.ContainerInfo[]> {
    try {
      // The listing carries each container's NetworkSettings, so no inspect per container is needed.
      const labels = [labelFilter, installationFilter(this.#installationId)];
      return await this.#docker.listContainers({ filters: { label: labels, status: ["running"] } });
    } catch (error) {
      throw dockerFailure(`list the running containers labelled ${labelFilter}`, error);
    }
  }
}

/**
 * Each site's address on the network, from its newest running container: during a stop-first update at most one
 * runs, but a container that is still shutting down must not win over its replacement.
 */
function newestAddresses(
  containers: Docker.ContainerInfo[],
  networkName: string,
  installationId: InstallationId,
): Map<SiteId, string> {
  const addresses = new Map<SiteId, string>();
  const newestFirst = [...containers].sort((a, b) => b.Created - a.Created);
  for (const container of newestFirst) {
    if (container.Labels[installationLabel] !== installationId) continue; // the engine filtered; this costs nothing
    const siteId = parseSiteIdLabel(container.Labels[siteIdLabel]);
    const address = container.NetworkSettings?.Networks?.[networkName]?.IPAddress;
    if (siteId !== null && address && !addresses.has(siteId)) addresses.set(siteId, address);
  }
  return addresses;
}
