/** ServiceRuntime on Docker Swarm through the Engine API (dockerode): one replicated service per dynamic site. */

import type { Readable } from "node:stream";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type Docker from "dockerode";
import { z } from "zod";
import type {
  ServiceInventory,
  ServiceRuntime,
  ServiceStatus,
  SiteServiceSpec,
  SiteServiceSummary,
} from "../core/service-runtime.js";
import { checkSiteServiceSpec } from "../core/site-service-spec.js";
import type { SiteUser } from "../core/site-user.js";
import { dockerFailure, isDockerConflict, isDockerNotFound } from "./docker-errors.js";
import { demuxLogLines, type LogLine, readLogLines } from "./docker-log-lines.js";
import { parseSiteIdLabel } from "./site-container-events.js";
import {
  defaultSwarmSiteSettings,
  installationFilter,
  renderSwarmServiceSpec,
  type SwarmSiteSettings,
  serviceNameOf,
  siteIdLabel,
} from "./swarm-service-spec.js";
import { type SwarmTask, sortTasksNewestFirst, summarizeTasks, swarmTaskSchema } from "./swarm-task-status.js";

/** How many of the newest tasks status reports (Swarm keeps 5 per slot by default). */
const reportedTaskCount = 5;
/** How many log lines status reads back to find the newest `DIRECTOR:` line. */
const statusLogTailLines = 50;
const updateAttempts = 3;
/** Container states in which none of its processes runs (the Engine API's `State` of a listed container). */
const endedContainerStates: ReadonlySet<string> = new Set(["created", "exited", "dead"]);

/** The fields of a listed service that the inventory reads; anything else the engine sends is ignored. */
const listedServiceSchema = z.object({
  Spec: z.object({
    Name: z.string(),
    Labels: z.record(z.string(), z.string()).optional(),
    Mode: z.object({ Replicated: z.object({ Replicas: z.number().optional() }).optional() }).optional(),
    TaskTemplate: z
      .object({ ContainerSpec: z.object({ Image: z.string().optional(), User: z.string().optional() }).optional() })
      .optional(),
  }),
});

/** Runs each dynamic site as the Swarm service `director-<installation>-site-<id>`. */
export class DockerSwarmRuntime implements ServiceRuntime, ServiceInventory {
  readonly #docker: Docker;
  readonly #settings: SwarmSiteSettings;

  /** `settings.installationId` is required: it names and labels every service, and scopes every listing. */
  constructor(docker: Docker, settings: Pick<SwarmSiteSettings, "installationId"> & Partial<SwarmSiteSettings>) {
    this.#docker = docker;
    this.#settings = { ...defaultSwarmSiteSettings, ...settings };
  }

  async listServices(siteId?: SiteId): Promise<SiteServiceSummary[]> {
    const labels = [
      installationFilter(this.#settings.installationId),
      siteId === undefined ? siteIdLabel : `${siteIdLabel}=${siteId}`,
    ];
    let raw: unknown;
    try {
      // Several label filters must all match (the engine ANDs them): this installation's site services only.
      raw = await this.#docker.listServices({ filters: { label: labels } });
    } catch (error) {
      throw dockerFailure(`list the services labelled ${labels.join(", ")}`, error);
    }
    const parsed = listedServiceSchema.array().safeParse(raw);
    if (!parsed.success) {
      throw new DirectorError("DOCKER_REJECTED", "Docker answered an unexpected service list.", {
        cause: parsed.error,
      });
    }
    return parsed.data.flatMap(({ Spec: spec }) => {
      const labelsOf = spec.Labels ?? {};
      const id = parseSiteIdLabel(labelsOf[siteIdLabel]);
      if (id === null) return [];
      return [
        {
          siteId: id,
          name: spec.Name,
          replicas: spec.Mode?.Replicated?.Replicas ?? 0,
          image: spec.TaskTemplate?.ContainerSpec?.Image ?? "",
          user: spec.TaskTemplate?.ContainerSpec?.User ?? "",
          labels: labelsOf,
        },
      ];
    });
  }

  #nameOf(siteId: SiteId): string {
    return serviceNameOf(this.#settings.installationId, siteId);
  }

  async upsert(spec: SiteServiceSpec): Promise<void> {
    checkSiteServiceSpec(spec);
    const name = this.#nameOf(spec.siteId);
    for (let attempt = 1; ; attempt++) {
      const current = await this.#inspect(spec.siteId);
      try {
        if (current === undefined) {
          await this.#docker.createService(renderSwarmServiceSpec(spec, this.#settings));
        } else {
          // Carrying ForceUpdate over keeps an identical spec a no-op: Swarm replaces tasks only when the spec changed.
          const rendered = renderSwarmServiceSpec(spec, this.#settings, current.Spec?.TaskTemplate?.ForceUpdate ?? 0);
          await this.#docker.getService(name).update({ ...rendered, version: current.Version?.Index });
        }
        return;
      } catch (error) {
        // A concurrent create (409) or update ("update out of sequence", a stale version): read again and retry.
        if (attempt < updateAttempts && (isDockerConflict(error) || isOutOfSequence(error))) continue;
        throw dockerFailure(`${current === undefined ? "create" : "update"} service ${name}`, error);
      }
    }
  }

  async remove(siteId: SiteId): Promise<void> {
    const name = this.#nameOf(siteId);
    try {
      await this.#docker.getService(name).remove();
    } catch (error) {
      if (isDockerNotFound(error)) return;
      throw dockerFailure(`remove service ${name}`, error);
    }
  }

  async hasRunningProcess(siteId: SiteId): Promise<boolean> {
    const labels = [installationFilter(this.#settings.installationId), `${siteIdLabel}=${siteId}`];
    let containers: Docker.ContainerInfo[];
    try {
      // Every state, then filtered here: "paused" and "removing" containers still hold the site's processes.
      containers = await this.#docker.listContainers({ all: true, filters: { label: labels } });
    } catch (error) {
      throw dockerFailure(`list the containers labelled ${labels.join(", ")}`, error);
    }
    return containers.some((container) => !endedContainerStates.has(container.State));
  }

  async setProcessUser(siteId: SiteId, user: SiteUser): Promise<void> {
    const name = this.#nameOf(siteId);
    const wanted = `${user.uid}:${user.gid}`;
    for (let attempt = 1; ; attempt++) {
      const current = await this.#inspect(siteId);
      const template = current?.Spec?.TaskTemplate as Docker.ContainerTaskSpec | undefined;
      if (current?.Spec === undefined || template?.ContainerSpec === undefined) return;
      if (template.ContainerSpec.User === wanted) return;
      const spec = {
        ...current.Spec,
        TaskTemplate: { ...template, ContainerSpec: { ...template.ContainerSpec, User: wanted } },
      };
      try {
        await this.#docker.getService(name).update({ ...spec, version: current.Version?.Index });
        return;
      } catch (error) {
        if (attempt < updateAttempts && isOutOfSequence(error)) continue;
        throw dockerFailure(`change the user of service ${name}`, error);
      }
    }
  }

  async restart(siteId: SiteId): Promise<{ generation: number }> {
    const name = this.#nameOf(siteId);
    for (let attempt = 1; ; attempt++) {
      const current = await this.#inspect(siteId);
      if (current?.Spec?.TaskTemplate === undefined) {
        throw new DirectorError("SITE_NOT_READY", `Site ${siteId} has no service to restart; make it dynamic first.`);
      }
      const template = current.Spec.TaskTemplate;
      // Changing TaskTemplate.ForceUpdate is what `docker service update --force` does: new tasks, same spec.
      const generation = (template.ForceUpdate ?? 0) + 1;
      const spec = { ...current.Spec, TaskTemplate: { ...template, ForceUpdate: generation } };
      try {
        await this.#docker.getService(name).update({ ...spec, version: current.Version?.Index });
        return { generation };
      } catch (error) {
        if (attempt < updateAttempts && isOutOfSequence(error)) continue;
        throw dockerFailure(`restart service ${name}`, error);
      }
    }
  }

  async status(siteId: SiteId): Promise<ServiceStatus> {
    const service = await this.#inspect(siteId);
    if (service === undefined) {
      return { state: "absent", replicas: 0, message: "The site has no service.", tasks: [] };
    }
    const replicas = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
    const tasks = sortTasksNewestFirst(await this.#listTasks(service.ID)).slice(0, reportedTaskCount);
    const template = service.Spec?.TaskTemplate as Docker.ContainerTaskSpec | undefined;
    const networkId = template?.Networks?.[0]?.Target;
    const addresses = new Map<string, string>();
    const oomKilledTaskIds = new Set<string>();
    // Swarm does not report addresses on a local-driver (bridge) network in the task's NetworksAttachments; the
    // container's own NetworkSettings has it. Inspect only the containers that matter: the newest two tasks.
    for (const task of tasks.slice(0, 2)) {
      const container = await this.#inspectContainer(task.Status.ContainerStatus?.ContainerID);
      if (container === undefined) continue;
      if (container.State.OOMKilled) oomKilledTaskIds.add(task.ID);
      const address = Object.values(container.NetworkSettings.Networks).find(
        (network) => network.NetworkID === networkId,
      )?.IPAddress;
      if (task.Status.State === "running" && address) addresses.set(task.ID, address);
    }
    const newest = tasks[0];
    const lastDirectorLine =
      newest?.Status.State === "running" ? await this.#lastDirectorLine(siteId, newest.ID) : null;
    return summarizeTasks(replicas, tasks, {
      addresses,
      oomKilledTaskIds,
      memoryLimitBytes: template?.Resources?.Limits?.MemoryBytes ?? null,
      lastDirectorLine,
    });
  }

  /** The newest lines of the site's log (all tasks), optionally only one task's; for status and, later, the log view. */
  async readLogLines(siteId: SiteId, options: { tailLines: number; taskId?: string }): Promise<LogLine[]> {
    const name = this.#nameOf(siteId);
    let body: unknown;
    try {
      // details=true prefixes each line with its context (`com.docker.swarm.task.id=…`), which tells tasks apart.
      body = await this.#docker
        .getService(name)
        .logs({ stdout: true, stderr: true, follow: false, tail: options.tailLines, details: true });
    } catch (error) {
      if (isDockerNotFound(error)) return [];
      throw dockerFailure(`read the logs of service ${name}`, error);
    }
    const lines = Buffer.isBuffer(body) ? await readLogLines(this.#docker.modem, body) : [];
    return lines.flatMap((line) => {
      const { taskId, text } = withoutTaskContext(line.text);
      if (options.taskId !== undefined && taskId !== options.taskId) return [];
      return [{ stream: line.stream, text }];
    });
  }

  async followLogLines(
    siteId: SiteId,
    options: { tailLines: number; signal: AbortSignal },
  ): Promise<AsyncIterable<LogLine>> {
    const name = this.#nameOf(siteId);
    let stream: NodeJS.ReadableStream;
    try {
      // dockerode answers a stream (not a buffer) when follow is true; its typing does not say so.
      // Docker 20.10 sends nothing at all, not even new lines, for a followed service log with tail=0; "since now"
      // (seconds with a fraction) asks for the same thing and works.
      const from = options.tailLines === 0 ? { since: (Date.now() / 1000).toFixed(3) } : { tail: options.tailLines };
      stream = (await this.#docker.getService(name).logs({
        stdout: true,
        stderr: true,
        follow: true,
        details: true,
        ...from,
      } as Docker.ContainerLogsOptions)) as unknown as NodeJS.ReadableStream;
    } catch (error) {
      if (isDockerNotFound(error)) {
        throw new DirectorError("SITE_NOT_READY", `Site ${siteId} has no process to follow; make it dynamic first.`);
      }
      throw dockerFailure(`follow the logs of service ${name}`, error);
    }
    return followLines(demuxLogLines(this.#docker.modem, stream as Readable), options.signal);
  }

  async #lastDirectorLine(siteId: SiteId, taskId: string): Promise<string | null> {
    const lines = await this.readLogLines(siteId, { tailLines: statusLogTailLines, taskId });
    const directorLines = lines.filter((line) => line.text.startsWith("DIRECTOR: "));
    const last = directorLines.at(-1);
    return last === undefined ? null : last.text.slice("DIRECTOR: ".length);
  }

  async #inspect(siteId: SiteId): Promise<Docker.Service | undefined> {
    const name = this.#nameOf(siteId);
    try {
      return (await this.#docker.getService(name).inspect()) as Docker.Service;
    } catch (error) {
      if (isDockerNotFound(error)) return undefined;
      throw dockerFailure(`inspect service ${name}`, error);
    }
  }

  async #listTasks(serviceId: string): Promise<SwarmTask[]> {
    let raw: unknown;
    try {
      raw = await this.#docker.listTasks({ filters: { service: [serviceId] } });
    } catch (error) {
      throw dockerFailure(`list the tasks of service ${serviceId}`, error);
    }
    const parsed = swarmTaskSchema.array().safeParse(raw);
    if (!parsed.success) {
      throw new DirectorError("DOCKER_REJECTED", `Docker answered an unexpected task list for service ${serviceId}.`, {
        cause: parsed.error,
      });
    }
    // Filtering by the service's full id, then comparing it, rules out any prefix match.
    return parsed.data.filter((task) => task.ServiceID === serviceId);
  }

  async #inspectContainer(containerId: string | undefined): Promise<Docker.ContainerInspectInfo | undefined> {
    // A task that has no container yet reports an empty id. Never ask for it: dockerode would request
    // /containers//json, the engine answers 301, and docker-modem follows that to the host "containers",
    // failing with an 'error' event nobody listens to, which ends the whole process.
    if (containerId === undefined || !/^[0-9a-f]{12,64}$/.test(containerId)) return undefined;
    try {
      return await this.#docker.getContainer(containerId).inspect();
    } catch (error) {
      // The container is gone (task history pruned, or it runs on another node): no address, no OOM flag.
      if (isDockerNotFound(error)) return undefined;
      throw dockerFailure(`inspect container ${containerId}`, error);
    }
  }
}

function isOutOfSequence(error: unknown): boolean {
  return error instanceof Error && error.message.includes("update out of sequence");
}

/** With details=true each line starts with its context (`com.docker.swarm.task.id=…,…`); splits it off. */
function withoutTaskContext(line: string): { taskId: string | null; text: string } {
  const match = /^(\S*com\.docker\.swarm\.task\.id=([a-z0-9]+)\S*) (.*)$/.exec(line);
  if (match === null) return { taskId: null, text: line };
  return { taskId: match[2] ?? null, text: match[3] ?? "" };
}

/** The lines of a followed log until it ends or `signal` aborts (which closes the engine's connection). */
async function* followLines(lines: Readable, signal: AbortSignal): AsyncGenerator<LogLine> {
  const close = () => lines.destroy();
  if (signal.aborted) close();
  signal.addEventListener("abort", close, { once: true });
  try {
    for await (const line of lines as AsyncIterable<LogLine>) {
      yield { stream: line.stream, text: withoutTaskContext(line.text).text };
    }
  } catch (error) {
    // Destroying the lines on abort ends the loop with a premature-close error: that is the normal end here.
    if (!signal.aborted) throw dockerFailure("follow a site's log", error);
  } finally {
    signal.removeEventListener("abort", close);
    close();
  }
}
