/**
 * Operation ids over RabbitMQ (DIRECTOR_RABBITMQ_URL), through amqplib with its connection recovery: a durable
 * quorum queue of persistent messages, sent on a confirm channel (an id counts as sent only once the broker has
 * written it), delivered to workers `prefetch` at a time and acknowledged only once the worker has recorded the
 * operation's end. A worker that dies has its unacknowledged messages handed to another at once. A message that is
 * not an id, or that fails to be handled `deliveryLimit` times, goes to the dead-letter queue `<queue>.dead`, where an
 * operator can read it; the outbox sends its id again later if its operation is still unfinished.
 */
import { DirectorError } from "@director/domain/errors";
import amqplib, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";
import type { Logger } from "pino";
import { z } from "zod";

/** What a worker decided about a delivered id: done (acknowledged) or to be delivered again. */
export type DeliveryOutcome = "done" | "again";

export interface OperationQueue {
  /** Sends the ids; resolves once the broker confirmed them all (BROKER_UNAVAILABLE if not, within a few seconds). */
  publish(operationIds: readonly number[]): Promise<void>;
  /** Messages waiting for a worker, not counting those handed to one (BROKER_UNAVAILABLE while out of reach). */
  waitingCount(): Promise<number>;
  /** Messages in the dead-letter queue (BROKER_UNAVAILABLE while out of reach). */
  deadLetterCount(): Promise<number>;
  /** Hands each id to `handle`, at most `prefetch` at once, from now on and after every reconnection. */
  consume(prefetch: number, handle: (operationId: number) => Promise<DeliveryOutcome>): Promise<void>;
  /** Stops consuming and waits for the handlers running (their messages are acknowledged or handed back). */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}

export interface RabbitQueueOptions {
  url: string;
  /** the queue's name; the dead-letter queue is `<queue>.dead` */
  queue: string;
  /** deliveries of one message before it is dead-lettered */
  deliveryLimit: number;
  log: Pick<Logger, "info" | "warn" | "error">;
}

const messageSchema = z.object({ operationId: z.number().int().positive() }).strict();
const confirmTimeoutMs = 5_000;

/** The queues' names and arguments, asserted on every connection (the same arguments every time, or RabbitMQ refuses). */
export function queueTopology(queue: string, deliveryLimit: number) {
  return {
    queue,
    deadLetterQueue: `${queue}.dead`,
    arguments: {
      "x-queue-type": "quorum",
      "x-delivery-limit": deliveryLimit,
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": `${queue}.dead`,
    },
  };
}

export class RabbitOperationQueue implements OperationQueue {
  readonly #options: RabbitQueueOptions;
  readonly #topology: ReturnType<typeof queueTopology>;
  #connection: Awaited<ReturnType<typeof connectRecovering>> | null = null;
  #publisher: ConfirmChannel | null = null;
  #consumer: { prefetch: number; handle: (operationId: number) => Promise<DeliveryOutcome> } | null = null;
  #consumerChannel: Channel | null = null;
  /** the connection the consumer was started on */
  #consumerModel: ChannelModel | null = null;
  /** the current connection, null while out of reach */
  #model: ChannelModel | null = null;
  #consumerTag: string | null = null;
  readonly #handling = new Set<Promise<void>>();
  #isDown = false;

  private constructor(options: RabbitQueueOptions) {
    this.#options = options;
    this.#topology = queueTopology(options.queue, options.deliveryLimit);
  }

  /**
   * Connects (and keeps reconnecting, every 0.2 s at first, then at most every 5 s). Resolves at once: while the
   * broker is out of reach, sends fail with BROKER_UNAVAILABLE and the ids wait in the outbox.
   */
  static async connect(options: RabbitQueueOptions): Promise<RabbitOperationQueue> {
    const queue = new RabbitOperationQueue(options);
    queue.#connection = await connectRecovering(options.url, (model) => queue.#setUp(model));
    queue.#connection.on("disconnect", (error: Error) => {
      queue.#publisher = null;
      queue.#model = null;
      queue.#consumerChannel = null;
      if (!queue.#isDown) options.log.warn({ err: error }, "RabbitMQ is out of reach; operations wait in the outbox");
      queue.#isDown = true;
    });
    queue.#connection.on("error", (error: Error) => options.log.warn({ err: error }, "RabbitMQ connection error"));
    return queue;
  }

  /** Connects and waits for the first connection (tests, and the command that checks the broker). */
  async ready(): Promise<void> {
    await this.#connection?.waitForConnect();
    for (let waited = 0; this.#publisher === null && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async #setUp(model: ChannelModel): Promise<void> {
    const publisher = await model.createConfirmChannel();
    publisher.on("error", (error: Error) =>
      this.#options.log.warn({ err: error }, "RabbitMQ publishing channel error"),
    );
    await publisher.assertQueue(this.#topology.deadLetterQueue, { durable: true });
    await publisher.assertQueue(this.#topology.queue, { durable: true, arguments: this.#topology.arguments });
    this.#publisher = publisher;
    this.#model = model;
    if (this.#consumer !== null) await this.#startConsumer(model, this.#consumer);
    if (this.#isDown) this.#options.log.info("RabbitMQ is reachable again");
    this.#isDown = false;
  }

  async publish(operationIds: readonly number[]): Promise<void> {
    const channel = this.#publisher;
    if (channel === null) throw unavailable("RabbitMQ is out of reach");
    for (const operationId of operationIds) {
      channel.sendToQueue(this.#topology.queue, Buffer.from(JSON.stringify({ operationId })), {
        persistent: true,
        contentType: "application/json",
        messageId: String(operationId),
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        channel.waitForConfirms(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(unavailable("RabbitMQ did not confirm the messages")), confirmTimeoutMs);
        }),
      ]);
    } catch (error) {
      throw error instanceof DirectorError ? error : unavailable("RabbitMQ refused the messages", error);
    } finally {
      clearTimeout(timer);
    }
  }

  async waitingCount(): Promise<number> {
    return this.#messageCount(this.#topology.queue);
  }

  /** Messages in the dead-letter queue: operation ids no worker could handle, for an operator to look at. */
  async deadLetterCount(): Promise<number> {
    return this.#messageCount(this.#topology.deadLetterQueue);
  }

  async #messageCount(queue: string): Promise<number> {
    const channel = this.#publisher;
    if (channel === null) throw unavailable("RabbitMQ is out of reach");
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } catch (error) {
      throw unavailable("RabbitMQ did not answer", error);
    }
  }

  async consume(prefetch: number, handle: (operationId: number) => Promise<DeliveryOutcome>): Promise<void> {
    this.#consumer = { prefetch, handle };
    // on the current connection now, if there is one; #setUp starts it on every later one
    if (this.#model !== null) await this.#startConsumer(this.#model, this.#consumer);
  }

  async #startConsumer(
    model: ChannelModel,
    consumer: { prefetch: number; handle: (operationId: number) => Promise<DeliveryOutcome> },
  ): Promise<void> {
    if (this.#consumerModel === model) return; // started on this connection already (consume and #setUp both try)
    this.#consumerModel = model;
    const channel = await model.createChannel();
    channel.on("error", (error: Error) => this.#options.log.warn({ err: error }, "RabbitMQ consuming channel error"));
    await channel.prefetch(consumer.prefetch);
    this.#consumerChannel = channel;
    const { consumerTag } = await channel.consume(this.#topology.queue, (message) => {
      if (message === null) return; // the queue was deleted: the next connection asserts it again
      const handling = this.#deliver(channel, message, consumer.handle);
      this.#handling.add(handling);
      void handling.finally(() => this.#handling.delete(handling));
    });
    this.#consumerTag = consumerTag;
  }

  async #deliver(
    channel: Channel,
    message: ConsumeMessage,
    handle: (operationId: number) => Promise<DeliveryOutcome>,
  ): Promise<void> {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(message.content.toString("utf8")));
    } catch {
      this.#options.log.error(
        { content: message.content.toString("utf8").slice(0, 200) },
        "a message that is not an operation id; dead-lettered",
      );
      settle(() => channel.nack(message, false, false));
      return;
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await handle(parsed.operationId);
    } catch (error) {
      this.#options.log.error({ err: error, operationId: parsed.operationId }, "handling an operation id failed");
      outcome = "again";
    }
    // On a channel closed meanwhile (a reconnection) this throws: the broker has handed the message back already.
    settle(() => (outcome === "done" ? channel.ack(message) : channel.nack(message, false, true)));
  }

  async stopConsuming(): Promise<void> {
    this.#consumer = null;
    const channel = this.#consumerChannel;
    const tag = this.#consumerTag;
    if (channel !== null && tag !== null) await channel.cancel(tag).catch(() => undefined);
    await Promise.all([...this.#handling]);
    this.#consumerChannel = null;
    this.#consumerModel = null;
    await channel?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    await this.#connection?.close().catch(() => undefined);
    this.#connection = null;
    this.#publisher = null;
  }
}

function connectRecovering(url: string, setup: (model: ChannelModel) => Promise<void>) {
  return amqplib.connect(url, {
    recovery: {
      initialDelay: 200,
      maxDelay: 5_000,
      maxRetries: Number.POSITIVE_INFINITY,
      waitForConnect: false,
      setup,
    },
  });
}

function settle(acknowledge: () => void): void {
  try {
    acknowledge();
  } catch {
    // the channel closed: RabbitMQ requeues what it had not been told about
  }
}

function unavailable(message: string, cause?: unknown): DirectorError {
  return new DirectorError("BROKER_UNAVAILABLE", `${message}; the operation is sent again once it answers.`, {
    cause,
  });
}
