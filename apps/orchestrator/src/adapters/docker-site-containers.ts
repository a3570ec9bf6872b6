/** The engine side of the task address watcher: site container events and addresses, through the Engine API. */
import type { Readable } from "node:stream";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import { dockerFailure } from "./docker-errors.js";
import { parseSiteIdLabel } from "./site-container-events.js";
import { siteIdLabel } from "./swarm-service-spec.js";
import type { SiteContainerEventSource, SiteTaskAddresses } from "./task-address-watcher.js";

/** Site containers (labelled with their site id) on this node's engine, and their addresses on the site network. */
export class DockerSiteContainers implements SiteContainerEventSource, SiteTaskAddresses {
  readonly #docker: Docker;
  readonly #networkName: string;

  /** `networkName`: the swarm-scoped bridge network site tasks join (SiteServiceSpec.networkName). */
  constructor(docker: Docker, networkName: string) {
    this.#docker = docker;
    this.#networkName = networkName;
  }

  async open(): Promise<Readable> {
    try {
      // Filtered by the engine, so a node running thousands of other containers sends only what matters here.
      const stream = await this.#docker.getEvents({
        filters: { type: ["container"], event: ["start", "die"], label: [siteIdLabel] },
      });
      // dockerode types the answer as NodeJS.ReadableStream; it is the HTTP response, a Readable.
      return stream as Readable;
    } catch (error) {
      throw dockerFailure("follow the engine's container events", error);
    }
  }

  async addressOf(siteId: SiteId): Promise<string | null> {
    const containers = await this.#listRunning(`${siteIdLabel}=${siteId}`);
    return newestAddresses(containers, this.#networkName).get(siteId) ?? null;
  }

  async runningAddresses(): Promise<Map<SiteId, string>> {
    return newestAddresses(await this.#listRunning(siteIdLabel), this.#networkName);
  }

  async #listRunning(labelFilter: string): Promise<Docker.ContainerInfo[]> {
    try {
      // The listing carries each container's NetworkSettings, so no inspect per container is needed.
      return await this.#docker.listContainers({ filters: { label: [labelFilter], status: ["running"] } });
    } catch (error) {
      throw dockerFailure(`list the running containers labelled ${labelFilter}`, error);
    }
  }
}

/**
 * Each site's address on the network, from its newest running container: during a stop-first update at most one
 * runs, but a container that is still shutting down must not win over its replacement.
 */
function newestAddresses(containers: Docker.ContainerInfo[], networkName: string): Map<SiteId, string> {
  const addresses = new Map<SiteId, string>();
  const newestFirst = [...containers].sort((a, b) => b.Created - a.Created);
  for (const container of newestFirst) {
    const siteId = parseSiteIdLabel(container.Labels[siteIdLabel]);
    const address = container.NetworkSettings?.Networks?.[networkName]?.IPAddress;
    if (siteId !== null && address && !addresses.has(siteId)) addresses.set(siteId, address);
  }
  return addresses;
}
