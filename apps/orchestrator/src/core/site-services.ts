/** What the service routes do: run a dynamic site's process through the ServiceRuntime, with the pieces it needs. */
import type { SiteServiceStatus } from "@director/contracts/orchestrator-services";
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import type { Logger } from "pino";
import type { SiteDirectories } from "./ports.js";
import type {
  ServiceLogs,
  ServiceRuntime,
  ServiceTaskStatus,
  SiteServiceLimits,
  SiteServiceSpec,
} from "./service-runtime.js";
import type { SiteImages } from "./site-images.js";
import { checkSiteServiceSpec } from "./site-service-spec.js";
import type { SiteUser } from "./site-user.js";

/** What a PUT /sites/:id/service asks for, parsed. */
export interface SiteServiceRequestInput {
  isEnabled: boolean;
  /** merged over the configured defaults */
  limits: Partial<SiteServiceLimits>;
  env: Readonly<Record<string, string>>;
  /** the site's own image (POST /sites/:id/image); absent: the base image */
  image?: ImageRef;
}

/** What SiteServices needs. */
export interface SiteServicesDeps {
  runtime: ServiceRuntime & ServiceLogs;
  directories: SiteDirectories;
  /** The account site `id`'s process runs as (core/site-user.ts) */
  siteUserOf: (id: SiteId) => SiteUser;
  /** The base image every site runs; called on every upsert, so it should cache its answer */
  baseImage: () => Promise<ImageRef>;
  networkName: string;
  defaultLimits: SiteServiceLimits;
  /** Re-renders the site's balancer file with its current upstream, or with `address` when given */
  refreshBalancer: (id: SiteId, address?: string | null) => Promise<void>;
  /** How long a restart waits for the new task to run; default 20 s (callers time out at 30 s). */
  restartWaitMs?: number;
  /** How long a removal waits for the site's process to end; default 20 s (Docker kills it after 10 s). */
  removalWaitMs?: number;
  /** The site's own images, to remove the ones no longer run; absent: none are removed */
  siteImages?: Pick<SiteImages, "prune">;
  log?: Logger;
}

const defaultRestartWaitMs = 20_000;
const restartPollMs = 200;
const defaultRemovalWaitMs = 20_000;
const removalPollMs = 250;
/**
 * After a removal, Docker removes the task's container only once its process has ended: at once with a run.sh that
 * honours SIGTERM, after the 10 s grace period with one that does not. The image waits for that; ~60 s covers it.
 */
const pruneAfterRemovalAttempts = 60;
const pruneRetryMs = 1000;

/** Dynamic sites' services; every method is idempotent, like the runtime under it. */
export class SiteServices {
  readonly #deps: SiteServicesDeps;

  constructor(deps: SiteServicesDeps) {
    this.#deps = deps;
  }

  /** Runs (or scales to zero) the site's service, as the site's own account, on its directory (made first). */
  async upsert(id: SiteId, request: SiteServiceRequestInput): Promise<void> {
    const { runtime, directories } = this.#deps;
    const spec = await this.specOf(id, request);
    await directories.ensure(id);
    await runtime.upsert(spec);
    // The new task is rarely running yet: the task address watcher fills the upstream once it is.
    await this.#deps.refreshBalancer(id);
    // Images of earlier recipes: the ones whose containers Swarm no longer keeps go now, the rest on a later change.
    await this.#pruneImages(id, spec.image, 1);
  }

  /**
   * The checked spec of the site's process: the request over the configured defaults, the site's account, directory
   * and network. Its terminals run with the same (core/site-terminals.ts).
   */
  async specOf(id: SiteId, request: SiteServiceRequestInput): Promise<SiteServiceSpec> {
    const { directories, siteUserOf, baseImage, networkName, defaultLimits } = this.#deps;
    return checkSiteServiceSpec({
      siteId: id,
      siteDirectory: directories.pathOf(id),
      user: siteUserOf(id),
      image: request.image ?? (await baseImage()),
      isEnabled: request.isEnabled,
      limits: { ...defaultLimits, ...definedOnly(request.limits) },
      env: request.env,
      networkName,
    });
  }

  /**
   * Removes the service and resolves once the site's process has ended on this node: Docker removes a service at once
   * but its task runs on through the stop grace period, and until then it may still change the site's files. Fails
   * with SITE_PROCESS_STILL_RUNNING (worth retrying) if it has not ended within `removalWaitMs`.
   */
  async remove(id: SiteId): Promise<void> {
    await this.#deps.runtime.remove(id);
    // No service, no task: the "not running" page at once, rather than a proxy to a task being shut down.
    await this.#deps.refreshBalancer(id, null);
    const deadline = Date.now() + (this.#deps.removalWaitMs ?? defaultRemovalWaitMs);
    while (await this.#deps.runtime.hasRunningProcess(id)) {
      if (Date.now() >= deadline) throw stillRunning(id);
      await new Promise((resolve) => setTimeout(resolve, removalPollMs));
    }
  }

  /** Fails with SITE_PROCESS_STILL_RUNNING while a process of the site runs on this node (its files are in use). */
  async assertNoProcess(id: SiteId): Promise<void> {
    if (await this.#deps.runtime.hasRunningProcess(id)) throw stillRunning(id);
  }

  /**
   * Removes every image of a deleted site. Not part of `remove`: a site switched to static keeps its image for the
   * day it is switched back. What a container still holds is retried in the background for a minute (the caller is
   * not kept waiting); if the orchestrator stops before, that image stays until removed by hand.
   */
  async removeImages(id: SiteId): Promise<void> {
    if (await this.#pruneImages(id, null, 1)) return;
    void this.#pruneImages(id, null, pruneAfterRemovalAttempts - 1, pruneRetryMs);
  }

  /**
   * Best effort: a left image costs disk, never correctness, and must not fail the change that asked for it.
   * Resolves true when nothing that should go is left; waits `delayMs` before each attempt when given.
   */
  async #pruneImages(id: SiteId, keep: ImageRef | null, attempts: number, delayMs = 0): Promise<boolean> {
    const { siteImages, log } = this.#deps;
    if (!siteImages) return true;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // unref: a clean-up still waiting must not keep a stopping orchestrator alive
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      try {
        const { removed, inUse } = await siteImages.prune(id, keep);
        if (removed.length > 0) log?.info({ siteId: id, removed }, "removed the site's images it no longer runs");
        if (inUse.length === 0) return true;
        if (attempt === attempts) log?.info({ siteId: id, inUse }, "kept the site's images a container still uses");
      } catch (error) {
        log?.warn({ err: error, siteId: id }, "could not remove the site's unused images");
        return false;
      }
    }
    return false;
  }

  /**
   * Replaces the running task, then waits (up to `restartWaitMs`) until the new one runs and the balancer points at
   * it, so that a caller who waited for the restart reaches the new process with its next request, not the old one
   * on its way out or nobody. A new process that exits at once fails the restart with SITE_PROCESS_FAILED and the
   * reason in plain words. A task Docker could not start (rejected) may be passing, and Swarm tries again after its
   * restart delay: it fails the restart only if nothing runs by the deadline. A process still starting at the
   * deadline is reported as such, not as an error.
   */
  async restart(id: SiteId): Promise<SiteServiceStatus> {
    const { runtime, refreshBalancer } = this.#deps;
    const before = await runtime.status(id);
    const { generation } = await runtime.restart(id);
    if (before.replicas === 0) return { state: "stopped", message: before.message };
    const deadline = Date.now() + (this.#deps.restartWaitMs ?? defaultRestartWaitMs);
    for (;;) {
      const status = await runtime.status(id);
      // Only the restart's own tasks count: Swarm's restart policy may have made one of the old spec a moment
      // before (a process that kept failing), which the restart shut down before it ever ran.
      const newTasks = status.tasks.filter((task) => task.generation >= generation);
      const newest = newTasks[0];
      if (newest?.state === "running" && newest.address !== null) {
        await refreshBalancer(id, newest.address);
        return { state: "running", message: status.message };
      }
      // Swarm queues a replacement as soon as a task fails: the failure may be the second newest task by now.
      if (newTasks.some(hasProcessEnded)) throw new DirectorError("SITE_PROCESS_FAILED", status.message);
      if (Date.now() >= deadline) {
        if (newTasks.some(wasRefused)) throw new DirectorError("SITE_PROCESS_FAILED", status.message);
        return { state: status.state, message: "The site's new process is still starting." };
      }
      await new Promise((resolve) => setTimeout(resolve, restartPollMs));
    }
  }

  async status(id: SiteId): Promise<SiteServiceStatus> {
    const { state, message } = await this.#deps.runtime.status(id);
    return { state, message };
  }

  async logLines(id: SiteId, tailLines: number): Promise<string[]> {
    const lines = await this.#deps.runtime.readLogLines(id, { tailLines });
    return lines.map((line) => line.text);
  }

  /** The newest lines, then each new one as it is printed, until `signal` aborts (see ServiceLogs.followLogLines). */
  async followLogLines(id: SiteId, tailLines: number, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const lines = await this.#deps.runtime.followLogLines(id, { tailLines, signal });
    return (async function* () {
      for await (const line of lines) yield line.text;
    })();
  }
}

function stillRunning(id: SiteId): DirectorError {
  return new DirectorError(
    "SITE_PROCESS_STILL_RUNNING",
    `The process of site ${id} is still stopping; its files are deleted once it has ended. Try again in a moment.`,
  );
}

/** A task whose process ran and ended by itself (not one Swarm stopped to replace: that one exits 0 on shutdown). */
function hasProcessEnded(task: ServiceTaskStatus): boolean {
  if (task.state === "complete") return true;
  return task.state !== "rejected" && task.exitCode !== null && task.exitCode !== 0;
}

/** A task Docker could not start: its process never ran. */
function wasRefused(task: ServiceTaskStatus): boolean {
  return task.state === "rejected" || (task.state === "failed" && !hasProcessEnded(task));
}

/** The fields that are set: an explicit `undefined` must not replace a default. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
