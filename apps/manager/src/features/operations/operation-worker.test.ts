import { balancerSiteSpecSchema } from "@director/contracts/orchestrator-sites";
import { DirectorError } from "@director/domain/errors";
import type { ImageName } from "@director/domain/image-name";
import type { Operation, OperationStatus } from "@director/domain/operation";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import { WorkerMetrics } from "../metrics/worker-metrics.js";
import { createSiteSteps, type StepContext } from "./operation-plans.js";
import { type OperationObserver, OperationWorker } from "./operation-worker.js";
import type { SiteHost } from "./site-host.js";

/** In-memory fake of the operations repository (the real one is tested against PostgreSQL in packages/db). */
class InMemoryOperationStore {
  operations: Operation[] = [];

  add(kind: string, slugs: string[]): Operation {
    const id = this.operations.length + 1;
    const operation: Operation = {
      id,
      siteId: 7 as SiteId,
      siteName: "hello" as SiteName,
      kind,
      status: "pending",
      createdBy: 1,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      error: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      input: null,
      steps: slugs.map((slug, position) => ({
        operationId: id,
        position,
        slug,
        name: slug,
        status: "pending",
        attempts: 0,
        startedAt: null,
        finishedAt: null,
        message: "",
      })),
    };
    this.operations.push(operation);
    return operation;
  }

  async claimNext({ owner, leaseMs }: { owner: string; leaseMs: number }) {
    const now = Date.now();
    const found = this.operations.find(
      (op) => op.status === "pending" || (op.status === "running" && (op.leaseExpiresAt?.getTime() ?? 0) < now),
    );
    if (!found) return null;
    Object.assign(found, { status: "running", leaseOwner: owner, leaseExpiresAt: new Date(now + leaseMs) });
    return structuredClone(found);
  }
  async claimById(id: number, { owner, leaseMs }: { owner: string; leaseMs: number }) {
    const op = this.operations.find((candidate) => candidate.id === id);
    if (!op) return { outcome: "missing" as const };
    const now = Date.now();
    if (op.status === "pending" || (op.status === "running" && (op.leaseExpiresAt?.getTime() ?? 0) < now)) {
      Object.assign(op, { status: "running", leaseOwner: owner, leaseExpiresAt: new Date(now + leaseMs) });
      return { outcome: "claimed" as const, operation: structuredClone(op) };
    }
    if (op.status === "running" && op.leaseExpiresAt)
      return { outcome: "held" as const, leaseExpiresAt: op.leaseExpiresAt };
    return { outcome: "finished" as const };
  }
  async renewLease({ id, owner, leaseMs }: { id: number; owner: string; leaseMs: number }) {
    const op = this.#get(id);
    if (op.leaseOwner !== owner || op.status !== "running") return false;
    op.leaseExpiresAt = new Date(Date.now() + leaseMs);
    return true;
  }
  async startStep(id: number, position: number) {
    const step = this.#step(id, position);
    step.status = "running";
    step.attempts += 1;
  }
  async finishStep(id: number, position: number, result: { status: OperationStatus; message: string }) {
    Object.assign(this.#step(id, position), result);
  }
  async finish(id: number, result: { status: "succeeded" | "failed"; error: string | null }) {
    Object.assign(this.#get(id), { ...result, leaseOwner: null, leaseExpiresAt: null, finishedAt: new Date() });
  }
  async findById(id: number) {
    return structuredClone(this.#get(id));
  }
  #get(id: number): Operation {
    const op = this.operations.find((candidate) => candidate.id === id);
    if (!op) throw new Error(`no operation ${id}`);
    return op;
  }
  #step(id: number, position: number) {
    const step = this.#get(id).steps[position];
    if (!step) throw new Error(`no step ${position}`);
    return step;
  }
}

/** Records calls; `failures` makes the named call throw that many times first; `answers` are what calls return. */
function recordingHost(
  failures: Partial<Record<keyof SiteHost, DirectorError[]>> = {},
  answers: Partial<Record<keyof SiteHost, unknown>> = {},
) {
  const calls: string[] = [];
  const host = new Proxy({} as SiteHost, {
    get: (_target, name: string) => async () => {
      const pending = failures[name as keyof SiteHost];
      if (pending?.length) throw pending.shift();
      calls.push(name);
      return answers[name as keyof SiteHost];
    },
  });
  return { host, calls };
}

const debianImage = {
  id: 3,
  name: "debian" as ImageName,
  friendlyName: "Debian",
  description: "",
  logoUrl: null,
  isUserVisible: true,
  parentRef: "director/base-debian:bookworm",
  setupCommands: "apt-get update -qq",
  installCommandPrefix: "apt-get install -y",
  runShTemplate: "",
  createdAt: new Date(),
  updatedAt: new Date(),
};

const site = {
  id: 7 as SiteId,
  name: "hello" as SiteName,
  type: "static" as const,
  purpose: "project" as const,
  description: "",
  availability: "enabled" as const,
  readyAt: null,
  createdAt: new Date(),
  clientBodyLimitBytes: null,
  cpus: null,
  memoryMib: null,
  imageId: null,
  extraPackages: [],
  imageRef: null,
  adminComment: "",
  revision: 0,
  domains: [],
  httpsDomains: [],
};

async function unexpected(): Promise<never> {
  throw new Error("a site without a database has no database host calls");
}

describe("OperationWorker", () => {
  const workers: OperationWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers.length = 0;
  });

  function startWorker(
    store: InMemoryOperationStore,
    host: SiteHost,
    overrides: Partial<{ maxStepAttempts: number; concurrency: number; pollIntervalMs: number }> = {},
    contextOverrides: Partial<StepContext> = {},
    observer?: OperationObserver,
  ) {
    const marks: string[] = [];
    const context: StepContext = {
      site,
      siteName: "hello",
      host,
      sites: {
        markReady: async () => void marks.push("ready"),
        forget: async () => void marks.push("forgotten"),
        setImage: async (_site, image) => void marks.push(`image ${image.imageRef} ${image.extraPackages.join(",")}`),
      },
      images: { findById: async (id) => (id === debianImage.id ? debianImage : null) },
      input: null,
      balancerSpec: () =>
        balancerSiteSpecSchema.parse({
          id: 7,
          name: "hello",
          type: "static",
          availability: "enabled",
          clientBodyLimitBytes: 1,
        }),
      routeHostnames: () => ["hello.sites.localhost"],
      // a site never renamed: no former names, and an empty redirect set
      formerNames: {
        activeNamesOf: async () => [],
        countOf: async () => 0,
        withRedirects: async (apply) => apply([]),
        forgetExpired: async () => 0,
      },
      domains: { find: async () => null, listForSite: async () => [], recordProgress: async () => {} },
      renewWithinDays: 30,
      now: () => new Date(),
      // a site without a database: its process gets no variables, and no database step has work
      databases: {
        open: async () => null,
        environment: async () => ({}),
        markReady: async () => void marks.push("database ready"),
        completeRotation: async () => void marks.push("rotated"),
        forget: async () => void marks.push("database forgotten"),
        hosting: {
          ensure: unexpected,
          setPassword: unexpected,
          remove: unexpected,
          size: unexpected,
          sizes: unexpected,
          setWritesAllowed: unexpected,
          inventory: unexpected,
          runStatement: unexpected,
        },
      },
      ...contextOverrides,
    };
    const wakeup = new InProcessWakeup();
    const worker = new OperationWorker({
      store,
      contextFor: async () => context,
      wakeup,
      log: pino({ level: "silent" }),
      ...(observer === undefined ? {} : { observer }),
      options: {
        owner: "test",
        leaseMs: 5_000,
        pollIntervalMs: 20,
        maxStepAttempts: 3,
        retryBaseDelayMs: 5,
        concurrency: 1,
        ...overrides,
      },
    });
    worker.start();
    workers.push(worker);
    return { marks, wakeup };
  }

  async function until(predicate: () => boolean) {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(predicate()).toBe(true);
  }

  it("runs the steps of a create in order and marks the site ready", async () => {
    const store = new InMemoryOperationStore();
    const op = store.add("create_site", [
      "create_site_directories",
      "write_balancer_config",
      "add_route",
      "mark_ready",
    ]);
    const { host, calls } = recordingHost();
    const { marks } = startWorker(store, host);
    await until(() => store.operations[0]?.status === "succeeded");
    expect(calls).toEqual(["ensureDirectories", "upsertBalancer", "upsertRoute"]);
    expect(marks).toEqual(["ready"]);
    expect((await store.findById(op.id)).steps.map((step) => step.status)).toEqual(Array(4).fill("succeeded"));
  });

  it("runs as many operations at the same time as its concurrency, and no more", async () => {
    const store = new InMemoryOperationStore();
    for (let i = 0; i < 5; i++) store.add("create_site", ["create_site_directories"]);
    let running = 0;
    let mostRunning = 0;
    const gates: Array<() => void> = [];
    const host = new Proxy({} as SiteHost, {
      get: () => async () => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running -= 1;
      },
    });
    startWorker(store, host, { concurrency: 3 });
    await until(() => gates.length === 3);
    // The fourth waits for a free loop, however long the three take.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(running).toBe(3);
    for (let released = 0; released < 5; released++) {
      await until(() => gates.length > 0);
      gates.shift()?.();
    }
    await until(() => store.operations.every((operation) => operation.status === "succeeded"));
    expect(mostRunning).toBe(3);
  });

  it("takes an operation created while it was looking for one at once, not after its idle wait", async () => {
    const store = new InMemoryOperationStore();
    const { host, calls } = recordingHost();
    const claimNext = store.claimNext.bind(store);
    let notify = (): void => undefined;
    // A creation lands (and wakes the worker) after the worker's first look found nothing, before it pauses.
    store.claimNext = async (lease) => {
      const found = await claimNext(lease);
      if (found === null && store.operations.length === 0) {
        store.add("create_site", ["create_site_directories"]);
        notify();
      }
      return found;
    };
    const { wakeup } = startWorker(store, host, { pollIntervalMs: 10_000 });
    notify = () => wakeup.notify();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toEqual(["ensureDirectories"]);
  });

  it("retries an operational failure and records the attempt", async () => {
    const store = new InMemoryOperationStore();
    store.add("create_site", ["create_site_directories"]);
    const down = new DirectorError("COMPONENT_UNREACHABLE", "orchestrator down");
    const { host, calls } = recordingHost({ ensureDirectories: [down] });
    startWorker(store, host);
    await until(() => store.operations[0]?.status === "succeeded");
    expect(calls).toEqual(["ensureDirectories"]);
    expect(store.operations[0]?.steps[0]?.attempts).toBe(2);
  });

  it("counts in its metrics each step attempt and how each operation ended", async () => {
    const store = new InMemoryOperationStore();
    store.add("create_site", ["create_site_directories"]);
    store.add("create_site", ["write_balancer_config"]);
    const down = new DirectorError("COMPONENT_UNREACHABLE", "orchestrator down");
    const rejected = new DirectorError("NGINX_CONFIG_REJECTED", "unknown directive");
    // the first operation's step is retried once, then succeeds; the second's is refused for good
    const { host } = recordingHost({ ensureDirectories: [down], upsertBalancer: [rejected] });
    const registry = new Registry();
    const metrics = new WorkerMetrics(registry, {
      outbox: { counts: async () => ({ unpublished: 2, published: 1 }) },
      queue: null,
    });
    startWorker(store, host, {}, {}, metrics);
    await until(() =>
      store.operations.every((operation) => operation.status !== "pending" && operation.status !== "running"),
    );
    const text = await registry.metrics();
    expect(text).toContain('director_worker_operations_total{kind="create_site",outcome="succeeded"} 1');
    expect(text).toContain('director_worker_operations_total{kind="create_site",outcome="failed"} 1');
    expect(text).toContain(
      'director_worker_step_attempts_total{kind="create_site",step="create_site_directories",outcome="retried"} 1',
    );
    expect(text).toContain(
      'director_worker_step_attempts_total{kind="create_site",step="create_site_directories",outcome="succeeded"} 1',
    );
    expect(text).toContain(
      'director_worker_step_attempts_total{kind="create_site",step="write_balancer_config",outcome="failed"} 1',
    );
    expect(text).toContain('director_worker_step_duration_seconds_count{kind="create_site"} 3');
    expect(text).toContain('director_operation_outbox{state="unpublished"} 2');
    expect(text).toContain('director_operation_outbox{state="published"} 1');
    // without a broker there is no dead-letter queue, so no series that would read as "none"
    expect(text).not.toContain("director_operations_dead_letters");
  });

  it("fails the operation at once on a user error, leaving later steps pending", async () => {
    const store = new InMemoryOperationStore();
    store.add("create_site", ["create_site_directories", "write_balancer_config"]);
    const rejected = new DirectorError("VALIDATION_FAILED", "bad spec");
    const { host } = recordingHost({ ensureDirectories: [rejected] });
    startWorker(store, host);
    await until(() => store.operations[0]?.status === "failed");
    const [first, second] = store.operations[0]?.steps ?? [];
    expect(first).toMatchObject({ status: "failed", attempts: 1 });
    expect(first?.message).toContain("bad spec");
    expect(second?.status).toBe("pending");
    expect(store.operations[0]?.error).toBe("Create the site's directories failed: bad spec (VALIDATION_FAILED)");
  });

  it("does not retry a config nginx rejects: it would fail the same way every time", async () => {
    const store = new InMemoryOperationStore();
    store.add("create_site", ["write_balancer_config"]);
    const rejected = new DirectorError("NGINX_CONFIG_REJECTED", "unknown directive");
    const { host } = recordingHost({ upsertBalancer: [rejected] });
    startWorker(store, host);
    await until(() => store.operations[0]?.status === "failed");
    expect(store.operations[0]?.steps[0]).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("gives up after the configured attempts", async () => {
    const store = new InMemoryOperationStore();
    store.add("create_site", ["create_site_directories"]);
    const down = () => new DirectorError("COMPONENT_UNREACHABLE", "down");
    const { host } = recordingHost({ ensureDirectories: [down(), down(), down(), down()] });
    startWorker(store, host, { maxStepAttempts: 3 });
    await until(() => store.operations[0]?.status === "failed");
    expect(store.operations[0]?.steps[0]?.attempts).toBe(3);
  });

  it("resumes an operation a dead worker left running, skipping finished steps", async () => {
    const store = new InMemoryOperationStore();
    const op = store.add("delete_site", ["remove_route", "remove_balancer_config", "remove_site_files", "forget_site"]);
    Object.assign(op, { status: "running", leaseOwner: "dead", leaseExpiresAt: new Date(Date.now() - 1) });
    Object.assign(op.steps[0] ?? {}, { status: "succeeded", attempts: 1 });
    Object.assign(op.steps[1] ?? {}, { status: "running", attempts: 1 });
    const { host, calls } = recordingHost();
    const { marks } = startWorker(store, host);
    await until(() => store.operations[0]?.status === "succeeded");
    expect(calls).toEqual(["removeBalancer", "removeDirectories"]);
    expect(marks).toEqual(["forgotten"]);
    expect(store.operations[0]?.steps[1]?.attempts).toBe(2);
  });

  it("builds a site's image, records it, then runs the site's service on it", async () => {
    const store = new InMemoryOperationStore();
    store.add("update_image", ["build_image", "apply_image"]);
    const { host, calls } = recordingHost({}, { buildSiteImage: { image: "director/site-7:0123", isBuilt: true } });
    const built = { ...site, type: "dynamic" as const, imageRef: "director/site-7:0123" };
    const { marks } = startWorker(store, host, {}, { site: built, input: { imageId: 3, packages: ["jq"] } });
    await until(() => store.operations[0]?.status === "succeeded");
    expect(calls).toEqual(["buildSiteImage", "upsertService"]);
    expect(marks).toEqual(["image director/site-7:0123 jq"]);
  });

  it("starts a course's site from its template's files and on its image, in the steps its create operation lists", async () => {
    const withTemplate = { ...debianImage, runShTemplate: "#!/bin/sh\nexec my-server\n" };
    const images = { findById: async () => withTemplate };
    const built = { ...site, type: "dynamic" as const, imageRef: "director/site-7:0123" };
    const input = { templateSiteId: 4, imageId: 3, packages: [], writeRunScript: false };
    const store = new InMemoryOperationStore();
    store.add(
      "create_site",
      createSiteSteps(input).map((step) => step.slug),
    );
    const { host, calls } = recordingHost({}, { buildSiteImage: { image: "director/site-7:0123", isBuilt: true } });
    startWorker(store, host, {}, { site: built, images, input });
    await until(() => store.operations[0]?.status === "succeeded");
    expect(calls).toEqual([
      "ensureDirectories",
      "copySiteFiles",
      "buildSiteImage",
      "upsertService",
      "upsertBalancer",
      "upsertRoute",
    ]);
    expect(createSiteSteps(undefined).map((step) => step.slug)).toEqual([
      "create_site_directories",
      "start_service",
      "write_balancer_config",
      "add_route",
      "mark_ready",
    ]);
  });

  it("writes run.sh from the image's template between the build and the restart, only when asked", async () => {
    const withTemplate = { ...debianImage, runShTemplate: "#!/bin/sh\nexec my-server\n" };
    const images = { findById: async () => withTemplate };
    const built = { ...site, type: "dynamic" as const, imageRef: "director/site-7:0123" };
    const steps = ["build_image", "write_run_script", "apply_image"];
    for (const [writeRunScript, expected] of [
      [true, ["buildSiteImage", "writeRunScript", "upsertService"]],
      [false, ["buildSiteImage", "upsertService"]],
    ] as const) {
      const store = new InMemoryOperationStore();
      store.add("update_image", steps);
      const { host, calls } = recordingHost({}, { buildSiteImage: { image: "director/site-7:0123", isBuilt: true } });
      startWorker(store, host, {}, { site: built, images, input: { imageId: 3, packages: [], writeRunScript } });
      await until(() => store.operations[0]?.status === "succeeded");
      expect(calls).toEqual(expected);
    }
  });

  it("fails writing run.sh when the image's template was emptied since, after the build", async () => {
    const store = new InMemoryOperationStore();
    store.add("update_image", ["build_image", "write_run_script", "apply_image"]);
    const { host, calls } = recordingHost({}, { buildSiteImage: { image: "director/site-7:0123", isBuilt: true } });
    startWorker(store, host, {}, { input: { imageId: 3, packages: [], writeRunScript: true } });
    await until(() => store.operations[0]?.status === "failed");
    expect(store.operations[0]?.error).toContain("no longer has a run.sh template");
    expect(calls).toEqual(["buildSiteImage"]);
  });

  it("fails an image change whose build fails, with the build log, and records nothing", async () => {
    const store = new InMemoryOperationStore();
    store.add("update_image", ["build_image", "apply_image"]);
    const log = [
      "Step 4/6 : RUN apt-get install -y 'nosuchpackagexyz'",
      "E: Unable to locate package nosuchpackagexyz",
    ];
    const failed = new DirectorError("IMAGE_BUILD_FAILED", "The site's image could not be built.", {
      details: { log },
    });
    const { host, calls } = recordingHost({ buildSiteImage: [failed] });
    const { marks } = startWorker(store, host, {}, { input: { imageId: 3, packages: ["nosuchpackagexyz"] } });
    await until(() => store.operations[0]?.status === "failed");
    const [build, apply] = store.operations[0]?.steps ?? [];
    expect(build).toMatchObject({ status: "failed", attempts: 1 });
    expect(build?.message).toBe(`The site's image could not be built. (IMAGE_BUILD_FAILED)\n${log.join("\n")}`);
    expect(store.operations[0]?.error).toContain("E: Unable to locate package nosuchpackagexyz");
    expect(apply?.status).toBe("pending");
    expect(calls).toEqual([]);
    expect(marks).toEqual([]);
  });

  it("fails an image change whose input is missing or whose image was deleted", async () => {
    for (const input of [null, { imageId: 99, packages: [] }]) {
      const store = new InMemoryOperationStore();
      store.add("update_image", ["build_image", "apply_image"]);
      const { host, calls } = recordingHost();
      startWorker(store, host, {}, { input });
      await until(() => store.operations[0]?.status === "failed");
      expect(calls).toEqual([]);
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });

  it("fails an operation of a kind it does not know", async () => {
    const store = new InMemoryOperationStore();
    store.add("launch_rocket", ["countdown"]);
    startWorker(store, recordingHost().host);
    await until(() => store.operations[0]?.status === "failed");
    expect(store.operations[0]?.error).toContain("launch_rocket");
  });
});
