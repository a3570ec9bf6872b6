/**
 * Fakes for unit tests (never used at run time): an in-memory ServiceRuntime, site container source, balancer spec
 * store and image builder. The real adapters are covered by the Docker integration tests.
 */
import { PassThrough, type Readable } from "node:stream";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import type { SiteContainerEventSource, SiteTaskAddresses } from "../adapters/task-address-watcher.js";
import type { ImageBuilder, ImageRemoval, LabelledImage } from "../core/image-builder.js";
import type { BalancerSpecStore } from "../core/ports.js";
import type {
  ServiceInventory,
  ServiceLogs,
  ServiceRuntime,
  ServiceStatus,
  SiteServiceSpec,
  SiteServiceSummary,
} from "../core/service-runtime.js";
import { checkSiteServiceSpec } from "../core/site-service-spec.js";
import type { SiteUser } from "../core/site-user.js";

/** A fake ServiceRuntime: services are Map entries; an enabled service "runs" at the address set in `addresses`. */
export class InMemoryServiceRuntime implements ServiceRuntime, ServiceLogs, ServiceInventory {
  readonly services = new Map<SiteId, SiteServiceSpec>();
  readonly restarts: SiteId[] = [];
  /** The address each site's task gets when it runs */
  readonly addresses = new Map<SiteId, string>();
  readonly logs = new Map<SiteId, string[]>();
  /** Sites whose process still runs after their service was removed (a task within its stop grace period) */
  readonly stoppingProcesses = new Set<SiteId>();

  async upsert(spec: SiteServiceSpec): Promise<void> {
    this.services.set(spec.siteId, checkSiteServiceSpec(spec));
  }

  async remove(siteId: SiteId): Promise<void> {
    this.services.delete(siteId);
  }

  async setProcessUser(siteId: SiteId, user: SiteUser): Promise<void> {
    const spec = this.services.get(siteId);
    if (spec !== undefined) this.services.set(siteId, { ...spec, user });
  }

  async hasRunningProcess(siteId: SiteId): Promise<boolean> {
    const spec = this.services.get(siteId);
    return this.stoppingProcesses.has(siteId) || spec?.isEnabled === true;
  }

  async restart(siteId: SiteId): Promise<{ generation: number }> {
    if (!this.services.has(siteId)) throw new DirectorError("SITE_NOT_READY", `Site ${siteId} has no service.`);
    this.restarts.push(siteId);
    return { generation: this.#generationOf(siteId) };
  }

  #generationOf(siteId: SiteId): number {
    return this.restarts.filter((restarted) => restarted === siteId).length;
  }

  /** Each restart makes a new task id, as Swarm does. */
  #taskIdOf(siteId: SiteId): string {
    const generation = this.#generationOf(siteId);
    return generation === 0 ? `task-${siteId}` : `task-${siteId}-${generation}`;
  }

  async status(siteId: SiteId): Promise<ServiceStatus> {
    const spec = this.services.get(siteId);
    if (spec === undefined) return { state: "absent", replicas: 0, message: "The site has no service.", tasks: [] };
    if (!spec.isEnabled) return { state: "stopped", replicas: 0, message: "The site is stopped.", tasks: [] };
    const address = this.addresses.get(siteId) ?? null;
    return {
      state: "running",
      replicas: 1,
      message: "The site is running.",
      tasks: [
        {
          id: this.#taskIdOf(siteId),
          state: "running",
          address,
          error: null,
          exitCode: null,
          generation: this.#generationOf(siteId),
        },
      ],
    };
  }

  async listServices(siteId?: SiteId): Promise<SiteServiceSummary[]> {
    return [...this.services.values()]
      .filter((spec) => siteId === undefined || spec.siteId === siteId)
      .map((spec) => ({
        siteId: spec.siteId,
        name: `director-test-site-${spec.siteId}`,
        replicas: spec.isEnabled ? 1 : 0,
        image: spec.image,
        user: `${spec.user.uid}:${spec.user.gid}`,
        labels: { "org.director.site-id": String(spec.siteId) },
      }));
  }

  async readLogLines(siteId: SiteId, options: { tailLines: number }): Promise<Array<{ text: string }>> {
    return (this.logs.get(siteId) ?? []).slice(-options.tailLines).map((text) => ({ text }));
  }

  /** The stored lines, then nothing more: a fake process that prints nothing new. */
  async followLogLines(siteId: SiteId, options: { tailLines: number }): Promise<AsyncIterable<{ text: string }>> {
    if (!this.services.has(siteId)) throw new DirectorError("SITE_NOT_READY", `Site ${siteId} has no service.`);
    const lines = await this.readLogLines(siteId, options);
    return (async function* () {
      yield* lines;
    })();
  }
}

/** A fake site container source: addresses from a Map, and an event stream a test never needs to feed. */
export class InMemorySiteContainers implements SiteContainerEventSource, SiteTaskAddresses {
  readonly addresses = new Map<SiteId, string>();

  async open(): Promise<Readable> {
    return new PassThrough();
  }

  async addressOf(siteId: SiteId): Promise<string | null> {
    return this.addresses.get(siteId) ?? null;
  }

  async runningAddresses(): Promise<Map<SiteId, string>> {
    return new Map(this.addresses);
  }
}

/** A fake BalancerSpecStore: specs in a Map. */
export class InMemoryBalancerSpecStore implements BalancerSpecStore {
  readonly specs = new Map<SiteId, BalancerSiteSpec>();

  async put(spec: BalancerSiteSpec): Promise<void> {
    this.specs.set(spec.id as SiteId, structuredClone(spec));
  }

  async get(id: SiteId): Promise<BalancerSiteSpec | null> {
    const spec = this.specs.get(id);
    return spec === undefined ? null : structuredClone(spec);
  }

  async remove(id: SiteId): Promise<void> {
    this.specs.delete(id);
  }

  async list(): Promise<SiteId[]> {
    return [...this.specs.keys()].sort((a, b) => a - b);
  }
}

/** A fake SiteOwnership: remembers which sites were given to the site user. */
/**
 * A fake ImageBuilder: images are Map entries (reference → id); a Dockerfile containing `failing` fails its build;
 * labels are read from the Dockerfile's LABEL line; `inUse` holds the references a "container" uses.
 */
export class InMemoryImageBuilder implements ImageBuilder {
  readonly images = new Map<string, string>();
  readonly builds: Array<{ tag: ImageRef; dockerfile: string }> = [];
  readonly inUse = new Set<string>();
  #builtCount = 0;

  async listLabelled(labels: Readonly<Record<string, string>>): Promise<LabelledImage[]> {
    const wanted = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    const seen = new Set<string>();
    const found: LabelledImage[] = [];
    for (const build of this.builds) {
      if (!this.images.has(build.tag) || seen.has(build.tag)) continue;
      if (!wanted.every((label) => build.dockerfile.includes(label))) continue;
      seen.add(build.tag);
      found.push({ ref: build.tag, id: this.images.get(build.tag) ?? "", labels: labelsOf(build.dockerfile) });
    }
    return found;
  }

  async remove(ref: ImageRef): Promise<ImageRemoval> {
    if (!this.images.has(ref)) return "absent";
    if (this.inUse.has(ref)) return "in_use";
    this.images.delete(ref);
    return "removed";
  }

  async imageId(ref: ImageRef): Promise<string | null> {
    return this.images.get(ref) ?? null;
  }

  async build(tag: ImageRef, dockerfile: string): Promise<void> {
    this.builds.push({ tag, dockerfile });
    if (dockerfile.includes("failing")) {
      throw new DirectorError("IMAGE_BUILD_FAILED", "The site's image could not be built.", {
        details: { log: ["E: Unable to locate package failing"] },
      });
    }
    // A count, not the map's size: an id is never given twice, as a removed image's would be.
    this.#builtCount += 1;
    this.images.set(tag, `sha256:${this.#builtCount}`);
  }
}

/** The labels of a Dockerfile's LABEL line (`key="value" …`, as renderSiteDockerfile writes them). */
function labelsOf(dockerfile: string): Record<string, string> {
  const line = dockerfile.split("\n").find((candidate) => candidate.startsWith("LABEL ")) ?? "";
  const pairs = [...line.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*")/g)];
  return Object.fromEntries(pairs.map((match) => [match[1], JSON.parse(match[2] ?? '""') as string]));
}
