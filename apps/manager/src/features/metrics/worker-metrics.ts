/**
 * What a worker adds to the metrics of its process: the operations it ran and how each ended, every step attempt
 * (retried ones apart), the outbox's depth and the broker's dead letters. Labels are bounded: operation kinds and
 * step slugs come from the plans (operation-plans.ts), outcomes from fixed lists. The gauges are read at each scrape;
 * the dead letters read NaN while RabbitMQ does not answer, rather than failing the scrape.
 */
import type { OperationOutboxRepository } from "@director/db/operation-outbox.repository";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { OperationQueue } from "../../adapters/rabbitmq-operation-queue.js";
import type { OperationObserver, OperationRunOutcome, StepAttemptOutcome } from "../operations/operation-worker.js";

export class WorkerMetrics implements OperationObserver {
  readonly #operations: Counter<"kind" | "outcome">;
  readonly #steps: Counter<"kind" | "step" | "outcome">;
  readonly #stepSeconds: Histogram<"kind">;

  constructor(
    registry: Registry,
    sources: {
      outbox: Pick<OperationOutboxRepository, "counts">;
      queue: Pick<OperationQueue, "deadLetterCount"> | null;
    },
  ) {
    const registers = [registry];
    this.#operations = new Counter({
      name: "director_worker_operations_total",
      help: "Operations this worker ran, by kind and how its run ended (handed_back: the worker stopped; lease_lost: another took it over; unrecorded: the end could not be written)",
      labelNames: ["kind", "outcome"],
      registers,
    });
    this.#steps = new Counter({
      name: "director_worker_step_attempts_total",
      help: "Step attempts, by operation kind, step and outcome (retried: failed for a passing reason, tried again)",
      labelNames: ["kind", "step", "outcome"],
      registers,
    });
    this.#stepSeconds = new Histogram({
      name: "director_worker_step_duration_seconds",
      help: "Time one step attempt took, by operation kind",
      labelNames: ["kind"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge<"state">({
      name: "director_operation_outbox",
      help: "Operations in the outbox: unpublished (not yet sent to RabbitMQ) and published (sent, not yet finished)",
      labelNames: ["state"],
      registers,
      async collect() {
        const counts = await sources.outbox.counts();
        this.set({ state: "unpublished" }, counts.unpublished);
        this.set({ state: "published" }, counts.published);
      },
    });
    const { queue } = sources;
    if (queue !== null) {
      new Gauge({
        name: "director_operations_dead_letters",
        help: "Messages in RabbitMQ's dead-letter queue: operation ids no worker could handle; look at them",
        registers,
        async collect() {
          try {
            this.set(await queue.deadLetterCount());
          } catch {
            this.set(Number.NaN); // RabbitMQ away (/readyz says so): unknown, rather than a stale or a reassuring 0
          }
        },
      });
    }
  }

  operationEnded(kind: string, outcome: OperationRunOutcome): void {
    this.#operations.inc({ kind, outcome });
  }

  stepAttempted(kind: string, step: string, outcome: StepAttemptOutcome, durationSeconds: number): void {
    this.#steps.inc({ kind, step, outcome });
    this.#stepSeconds.observe({ kind }, durationSeconds);
  }
}
