/**
 * Hands queued operations from the outbox to RabbitMQ. Every manager and worker runs one when a broker is
 * configured: a manager's is woken as it queues an operation, a worker's as it finishes one (a place in the queue
 * came free), and each also passes every `intervalMs` to send again what was lost. The relays take turns (a lock in
 * the database), and each keeps at most `waiting` messages ready in the queue: the order between people is decided
 * by the outbox when a worker is about to need the next one, not when an operation was queued.
 */
import type { OperationOutboxRepository } from "@director/db/operation-outbox.repository";
import type { Logger } from "pino";
import type { OperationQueue } from "../../adapters/rabbitmq-operation-queue.js";
import type { Wakeup } from "../../adapters/wakeup.js";

export interface OutboxRelayOptions {
  /** messages kept ready in the queue beyond those handed to workers */
  waiting: number;
  /** an id sent this long ago whose operation no worker holds is sent again (lost, dead-lettered, or its worker died) */
  republishAfterMs: number;
  /** how often a relay passes without being woken */
  intervalMs: number;
}

export class OutboxRelay {
  readonly #outbox: Pick<OperationOutboxRepository, "publishDue">;
  readonly #queue: Pick<OperationQueue, "publish" | "waitingCount">;
  readonly #wakeup: Wakeup;
  readonly #log: Pick<Logger, "warn" | "info">;
  readonly #options: OutboxRelayOptions;
  #pass: Promise<void> | null = null;
  #isAgain = false;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void) | null = null;
  #wasFailing = false;

  constructor(deps: {
    outbox: Pick<OperationOutboxRepository, "publishDue">;
    queue: Pick<OperationQueue, "publish" | "waitingCount">;
    wakeup: Wakeup;
    log: Pick<Logger, "warn" | "info">;
    options: OutboxRelayOptions;
  }) {
    this.#outbox = deps.outbox;
    this.#queue = deps.queue;
    this.#wakeup = deps.wakeup;
    this.#log = deps.log;
    this.#options = deps.options;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#unsubscribe = this.#wakeup.subscribe(() => this.trigger());
    this.#timer = setInterval(() => this.trigger(), this.#options.intervalMs);
    this.trigger();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#pass;
  }

  /** Passes now, or once more after the pass under way (which may have read the outbox before the new row). */
  trigger(): void {
    if (this.#pass !== null) {
      this.#isAgain = true;
      return;
    }
    this.#pass = this.#passUntilQuiet().finally(() => {
      this.#pass = null;
    });
  }

  async #passUntilQuiet(): Promise<void> {
    do {
      this.#isAgain = false;
      try {
        await this.#fill();
        if (this.#wasFailing) this.#log.info("the outbox reaches RabbitMQ again");
        this.#wasFailing = false;
      } catch (error) {
        if (!this.#wasFailing) this.#log.warn({ err: error }, "could not send operations to RabbitMQ; trying again");
        this.#wasFailing = true;
        return; // the interval tries again; retrying at once would only spin while the broker is away
      }
    } while (this.#isAgain && this.#timer !== null);
  }

  /** Sends due ids until the queue holds `waiting` ready messages or none is due. */
  async #fill(): Promise<void> {
    for (;;) {
      const { room, published } = await this.#outbox.publishDue(
        {
          room: async () => this.#options.waiting - (await this.#queue.waitingCount()),
          republishAfterMs: this.#options.republishAfterMs,
        },
        async (ids) => {
          await this.#queue.publish(ids);
          return ids;
        },
      );
      if (room <= 0 || published.length < room) return;
    }
  }
}
