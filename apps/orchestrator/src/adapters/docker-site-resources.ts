/**
 * What each running site container uses, from the Docker engine's own counters (`docker stats`, one sample each, no
 * one-second wait): CPU time since the container started and the memory it holds. The engine reads the container's
 * cgroup, whichever version the machine runs, so nothing here depends on cgroup paths.
 */
import type { SiteProcessEvent, SiteResourceSample } from "@director/contracts/orchestrator-usage";
import type { InstallationId } from "@director/domain/installation-id";
import type Docker from "dockerode";
import type { SiteResources } from "../core/ports.js";
import { dockerFailure } from "./docker-errors.js";
import { parseSiteIdLabel } from "./site-container-events.js";
import { siteProcessEventsOf } from "./site-process-events.js";
import { installationFilter, installationLabel, siteIdLabel } from "./swarm-service-spec.js";

/** Samples taken at once: each is one request to the engine, which reads a few cgroup files. */
const parallelSamples = 8;

/** The part of the engine's stats answer read here (cgroup v1 and v2 name the reclaimable page cache differently). */
interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

export class DockerSiteResources implements SiteResources {
  readonly #docker: Docker;
  readonly #installationId: InstallationId;

  constructor(docker: Docker, installationId: InstallationId) {
    this.#docker = docker;
    this.#installationId = installationId;
  }

  async sample(): Promise<SiteResourceSample[]> {
    let containers: Docker.ContainerInfo[];
    try {
      containers = await this.#docker.listContainers({
        filters: { label: [siteIdLabel, installationFilter(this.#installationId)], status: ["running"] },
      });
    } catch (error) {
      throw dockerFailure("list the running site containers", error);
    }
    const samples: SiteResourceSample[] = [];
    const queue = containers.filter((container) => container.Labels[installationLabel] === this.#installationId);
    const worker = async () => {
      for (let container = queue.shift(); container !== undefined; container = queue.shift()) {
        const sample = await this.#sampleOne(container);
        if (sample !== null) samples.push(sample);
      }
    };
    await Promise.all(Array.from({ length: parallelSamples }, worker));
    return samples.sort((a, b) => a.siteId - b.siteId);
  }

  async processEvents(since: number, until: number): Promise<SiteProcessEvent[]> {
    let body: string;
    try {
      // With `until` the engine answers the events of the window and ends the stream.
      const stream = await this.#docker.getEvents({
        since: Math.floor(since),
        until: Math.floor(until),
        filters: {
          type: ["container"],
          event: ["kill", "oom", "die"],
          label: [siteIdLabel, installationFilter(this.#installationId)],
        },
      });
      body = await new Promise<string>((resolve, reject) => {
        let text = "";
        stream.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        stream.on("end", () => resolve(text));
        stream.on("error", reject);
      });
    } catch (error) {
      throw dockerFailure("read the engine's container events", error);
    }
    return siteProcessEventsOf(body.split("\n"), this.#installationId);
  }

  /** One container's sample; null when it is gone meanwhile or is no site's. */
  async #sampleOne(container: Docker.ContainerInfo): Promise<SiteResourceSample | null> {
    const siteId = parseSiteIdLabel(container.Labels[siteIdLabel]);
    if (siteId === null) return null;
    let stats: EngineStats;
    try {
      const answer: unknown = await this.#docker.getContainer(container.Id).stats({ stream: false, "one-shot": true });
      stats = answer as EngineStats;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null; // it stopped meanwhile
      throw dockerFailure(`read the use of site ${siteId}'s container`, error);
    }
    return resourceSampleOf(siteId, container.Id, stats);
  }
}

/** The sample in the engine's answer; a container that stopped between the listing and the read has no usage. */
export function resourceSampleOf(siteId: number, containerId: string, stats: EngineStats): SiteResourceSample | null {
  const cpu = stats.cpu_stats?.cpu_usage?.total_usage;
  const usage = stats.memory_stats?.usage;
  if (cpu === undefined || usage === undefined) return null;
  const memoryStats = stats.memory_stats?.stats ?? {};
  // As `docker stats` shows it: the page cache the kernel could drop is not the site's to answer for.
  const reclaimable = memoryStats.total_inactive_file ?? memoryStats.inactive_file ?? 0;
  const limit = stats.memory_stats?.limit;
  return {
    siteId,
    containerId,
    cpuUsageNs: cpu,
    memoryBytes: Math.max(0, usage - reclaimable),
    memoryLimitBytes: limit === undefined || limit <= 0 ? null : limit,
  };
}
