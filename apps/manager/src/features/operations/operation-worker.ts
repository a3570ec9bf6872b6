import { setTimeout as sleep } from "node:timers/promises";
import type { OperationsRepository } from "@director/db/operations.repository";
import { isDirectorError } from "@director/domain/errors";
import type { Operation, OperationStep } from "@director/domain/operation";
import type { Logger } from "pino";
import type { Wakeup } from "../../adapters/wakeup.js";
import { isOperationKind, operationPlans, type StepContext, type StepDefinition } from "./operation-plans.js";

export interface OperationWorkerOptions {
  /** unique per worker process; recorded as the lease owner */
  owner: string;
  leaseMs: number;
  pollIntervalMs: number;
  maxStepAttempts: number;
  retryBaseDelayMs: number;
  /**
   * Operations run at the same time by this worker, each in its own loop. At most one operation of a site is ever
   * active (the repository refuses a second: SITE_BUSY), so they are always different sites' operations.
   */
  concurrency: number;
}

type OperationStore = Pick<
  OperationsRepository,
  "claimNext" | "claimById" | "renewLease" | "startStep" | "finishStep" | "finish" | "findById"
>;

/** How an operation's run on this worker ended (handed back: the worker stopped; it resumes elsewhere). */
export type OperationRunOutcome = "succeeded" | "failed" | "handed_back" | "lease_lost" | "unrecorded";

/** How one attempt of a step ended (retried: it failed for a passing reason and is tried again). */
export type StepAttemptOutcome = "succeeded" | "retried" | "failed";

/** Told what the worker did, for its metrics; every method must return at once and never throw. */
export interface OperationObserver {
  operationEnded(kind: string, outcome: OperationRunOutcome): void;
  stepAttempted(kind: string, step: string, outcome: StepAttemptOutcome, durationSeconds: number): void;
}

/** What became of an operation a broker message named: nothing more to do, or to be delivered again. */
export type RunByIdOutcome = "done" | "again";

/** Builds the context of a step, reading the site fresh from the database. */
export type StepContextFactory = (operation: Operation) => Promise<StepContext>;

const maxRetryDelayMs = 30_000;

/**
 * Runs operations, `concurrency` at a time: each loop claims the oldest runnable one (pending, or running under an expired lease,
 * i.e. left by a worker that died), runs its unfinished steps in order, and records every step in the database.
 * A step that fails for a passing reason (a component down) is retried with backoff; any other failure
 * fails the operation with the step's message. Because steps are idempotent, resuming after a crash re-runs the
 * interrupted step safely.
 */
export class OperationWorker {
  readonly #store: OperationStore;
  readonly #contextFor: StepContextFactory;
  readonly #wakeup: Wakeup;
  readonly #log: Logger;
  readonly #options: OperationWorkerOptions;
  readonly #observer: OperationObserver | undefined;
  #isRunning = false;
  #loops: Promise<void>[] = [];
  #interrupt = new AbortController();
  /** aborted by stop() only (#interrupt is also aborted by every wake-up) */
  #stopping = new AbortController();
  /** operations run for broker messages, waited for by stop() */
  readonly #byId = new Set<Promise<RunByIdOutcome>>();
  /** Counts wake-ups, so that one arriving while a loop looks for work is not lost to the pause that follows. */
  #wakeups = 0;

  constructor(deps: {
    store: OperationStore;
    contextFor: StepContextFactory;
    wakeup: Wakeup;
    log: Logger;
    options: OperationWorkerOptions;
    observer?: OperationObserver;
  }) {
    this.#store = deps.store;
    this.#contextFor = deps.contextFor;
    this.#wakeup = deps.wakeup;
    this.#log = deps.log;
    this.#options = deps.options;
    this.#observer = deps.observer;
  }

  /**
   * Starts the claim loops in the background; `{ polling: false }` starts none, for a worker fed by the broker
   * (runById), which then needs no poll of the database to find its work.
   */
  start(options: { polling: boolean } = { polling: true }): void {
    if (this.#isRunning) return;
    this.#isRunning = true;
    if (options.polling) {
      this.#loops = Array.from({ length: Math.max(1, this.#options.concurrency) }, () => this.#run());
    }
  }

  /** Lets the current steps finish, hands their operations back (leases released), and stops. */
  async stop(): Promise<void> {
    this.#isRunning = false;
    this.#interrupt.abort();
    this.#stopping.abort();
    await Promise.all([...this.#loops, ...this.#byId]);
  }

  /**
   * Runs the operation a broker message named, when it is runnable. "done" when nothing is left for the message to
   * do: it ran to its end, or it had ended (a message sent twice), or it is gone, or another worker holds it still
   * after its lease would have run out (that worker is alive; if it dies, the outbox sends the id again). A lease
   * held by a worker that died is waited out once, so a redelivered message resumes the operation. "again" when this
   * worker is stopping or could not record the end: the message goes back for another worker.
   */
  async runById(operationId: number): Promise<RunByIdOutcome> {
    const run = this.#runById(operationId);
    this.#byId.add(run);
    try {
      return await run;
    } finally {
      this.#byId.delete(run);
    }
  }

  async #runById(operationId: number): Promise<RunByIdOutcome> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.#isRunning) return "again";
      const claim = await this.#store.claimById(operationId, {
        owner: this.#options.owner,
        leaseMs: this.#options.leaseMs,
      });
      if (claim.outcome === "claimed") {
        const outcome = await this.#runOperation(claim.operation);
        return outcome === "stopped" || outcome === "unrecorded" ? "again" : "done";
      }
      if (claim.outcome !== "held") return "done";
      if (attempt === 0) await this.#sleep(Math.max(0, claim.leaseExpiresAt.getTime() - Date.now()) + 250);
    }
    return "done";
  }

  /** Waits `ms`, or less when the worker stops. */
  async #sleep(ms: number): Promise<void> {
    if (!this.#isRunning) return;
    try {
      await sleep(ms, undefined, { signal: this.#stopping.signal });
    } catch {
      // stopping
    }
  }

  async #run(): Promise<void> {
    const unsubscribe = this.#wakeup.subscribe(() => this.#wake());
    try {
      while (this.#isRunning) {
        let operation: Operation | null = null;
        const wakeupsBefore = this.#wakeups;
        try {
          operation = await this.#store.claimNext({ owner: this.#options.owner, leaseMs: this.#options.leaseMs });
        } catch (error) {
          this.#log.error({ err: error }, "could not claim an operation; retrying");
        }
        if (operation) await this.#runOperation(operation);
        else if (this.#wakeups === wakeupsBefore) await this.#pause(this.#options.pollIntervalMs);
      }
    } finally {
      unsubscribe();
    }
  }

  #wake(): void {
    // Ends the current idle waits early; a fresh controller serves the next wait.
    this.#wakeups += 1;
    this.#interrupt.abort();
  }

  async #pause(ms: number): Promise<void> {
    if (this.#interrupt.signal.aborted) this.#interrupt = new AbortController();
    if (!this.#isRunning) return;
    try {
      await sleep(ms, undefined, { signal: this.#interrupt.signal });
    } catch {
      // aborted by a wake-up or stop(): return to the loop, which checks #isRunning
    }
  }

  async #runOperation(operation: Operation): Promise<"finished" | "stopped" | "lease-lost" | "unrecorded"> {
    const outcome = await this.#runOperationOnce(operation);
    this.#observer?.operationEnded(operation.kind, outcome.observed);
    return outcome.result;
  }

  async #runOperationOnce(
    operation: Operation,
  ): Promise<{ result: "finished" | "stopped" | "lease-lost" | "unrecorded"; observed: OperationRunOutcome }> {
    const log = this.#log.child({ operationId: operation.id, kind: operation.kind, site: operation.siteName });
    const lease = this.#keepLease(operation.id, log);
    try {
      log.info("operation started");
      const outcome = await this.#runSteps(operation, lease, log);
      if (outcome === "lease-lost") {
        log.warn("another worker took over this operation; stopping without further writes");
        return { result: "lease-lost", observed: "lease_lost" };
      }
      if (outcome === "stopped") {
        await this.#store.renewLease({ id: operation.id, owner: this.#options.owner, leaseMs: 0 });
        log.info("worker stopping; operation handed back for the next worker");
        return { result: "stopped", observed: "handed_back" };
      }
      if (outcome.failed) {
        await this.#store.finish(operation.id, { status: "failed", error: outcome.error });
        log.warn({ error: outcome.error }, "operation failed");
        return { result: "finished", observed: "failed" };
      }
      await this.#store.finish(operation.id, { status: "succeeded", error: null });
      log.info("operation succeeded");
      return { result: "finished", observed: "succeeded" };
    } catch (error) {
      log.error({ err: error }, "operation bookkeeping failed; it will be resumed when its lease expires");
      return { result: "unrecorded", observed: "unrecorded" };
    } finally {
      lease.stop();
    }
  }

  async #runSteps(
    operation: Operation,
    lease: { isLost(): boolean },
    log: Logger,
  ): Promise<"lease-lost" | "stopped" | { failed: false } | { failed: true; error: string }> {
    if (!isOperationKind(operation.kind)) {
      return { failed: true, error: `This worker does not know operations of kind "${operation.kind}".` };
    }
    const plan = operationPlans[operation.kind];
    for (const step of operation.steps) {
      if (step.status === "succeeded") continue;
      const definition = plan.find((candidate) => candidate.slug === step.slug);
      if (!definition) return { failed: true, error: `Unknown step "${step.slug}" for ${operation.kind}.` };
      const result = await this.#runStep(operation, step, definition, lease, log);
      if (result !== "succeeded") return result;
    }
    return { failed: false };
  }

  async #runStep(
    operation: Operation,
    step: OperationStep,
    definition: StepDefinition,
    lease: { isLost(): boolean },
    log: Logger,
  ): Promise<"succeeded" | "lease-lost" | "stopped" | { failed: true; error: string }> {
    for (let attempt = step.attempts + 1; ; attempt++) {
      if (lease.isLost()) return "lease-lost";
      if (!this.#isRunning) return "stopped";
      await this.#store.startStep(operation.id, step.position);
      const started = performance.now();
      const observe = (outcome: StepAttemptOutcome) =>
        this.#observer?.stepAttempted(operation.kind, step.slug, outcome, (performance.now() - started) / 1000);
      try {
        await definition.run(await this.#contextFor(operation));
        observe("succeeded");
        if (lease.isLost()) return "lease-lost";
        await this.#store.finishStep(operation.id, step.position, { status: "succeeded", message: "" });
        log.info({ step: step.slug, attempt }, "step succeeded");
        return "succeeded";
      } catch (error) {
        const message = describe(error);
        // Failures that pass by themselves (a component restarting) are tried again; any other fails the same way
        // every time (a config nginx rejects), so retrying would only delay the message. The code table says which.
        const isRetryable = isDirectorError(error) && error.kind === "passing";
        const willRetry = isRetryable && attempt < this.#options.maxStepAttempts;
        observe(willRetry ? "retried" : "failed");
        if (lease.isLost()) return "lease-lost";
        if (willRetry) {
          const delayMs = Math.min(this.#options.retryBaseDelayMs * 2 ** (attempt - 1), maxRetryDelayMs);
          await this.#store.finishStep(operation.id, step.position, {
            status: "running",
            message: `Attempt ${attempt} failed: ${message} Retrying in ${Math.round(delayMs / 100) / 10} s.`,
          });
          log.warn({ step: step.slug, attempt, err: error }, "step failed; retrying");
          await this.#pause(delayMs);
          continue;
        }
        await this.#store.finishStep(operation.id, step.position, { status: "failed", message });
        log.warn({ step: step.slug, attempt, err: error }, "step failed");
        return { failed: true, error: `${definition.name} failed: ${message}` };
      }
    }
  }

  /** Renews the lease every third of its length; reports when another worker has taken the operation. */
  #keepLease(operationId: number, log: Logger): { isLost(): boolean; stop(): void } {
    let isLost = false;
    const timer = setInterval(
      () => {
        this.#store
          .renewLease({ id: operationId, owner: this.#options.owner, leaseMs: this.#options.leaseMs })
          .then((isKept) => {
            if (!isKept) isLost = true;
          })
          .catch((error: unknown) => log.warn({ err: error }, "could not renew the operation lease"));
      },
      Math.max(Math.floor(this.#options.leaseMs / 3), 50),
    );
    return { isLost: () => isLost, stop: () => clearInterval(timer) };
  }
}

/** The error's message and code, followed by the output it carries (`details.log`: an image build's last lines). */
function describe(error: unknown): string {
  if (isDirectorError(error)) {
    const log = error.details?.log;
    const output = Array.isArray(log) && log.length > 0 ? `\n${log.map(String).join("\n")}` : "";
    return `${error.message} (${error.code})${output}`;
  }
  return error instanceof Error ? error.message : String(error);
}
