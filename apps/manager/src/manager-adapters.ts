/**
 * Everything impure the manager works through, gathered in one place: production builds the real ones
 * (connectManagerAdapters), tests give fakes for what cannot be reached (testing/test-app.ts).
 */
import type { DatabaseHandle } from "@director/db/database";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type Components, connectComponents } from "./adapters/components.js";
import { type OperationQueue, RabbitOperationQueue } from "./adapters/rabbitmq-operation-queue.js";
import { RedisBus } from "./adapters/redis-bus.js";
import { connectRedis } from "./adapters/redis-client.js";
import { RedisOperationEvents } from "./adapters/redis-operation-events.js";
import { LogMailer, SmtpMailer } from "./adapters/smtp-mailer.js";
import { InProcessWakeup, type Wakeup } from "./adapters/wakeup.js";
import type { ManagerConfig } from "./config.js";
import { type CurrentGuidelines, loadGuidelines } from "./features/guidelines/current-guidelines.js";
import { InProcessOperationEvents, type OperationEvents } from "./features/live/operation-events.js";
import type { Mailer } from "./features/mail/mailer.js";

/** What the manager's services, app and worker are built on. */
export interface ManagerAdapters {
  db: DatabaseHandle;
  log: Logger;
  /** the orchestrator and router */
  components: Components;
  /** tells the operations worker that an operation was queued (in this process) */
  wakeup: Wakeup;
  /** tells the mail dispatcher that mail was queued (in this process) */
  mailWakeup: Wakeup;
  /** wakes the domain checker (a domain added or retried) */
  domainWakeup: Wakeup;
  mailer: Mailer;
  /** the guidelines people accept, as this installation serves them */
  guidelines: CurrentGuidelines;
  /** the worker's changes of operations, which open pages follow live */
  operationEvents: OperationEvents;
  /** the Redis every manager shares (DIRECTOR_REDIS_URL), for what they count together; null: each counts alone */
  redis: Redis | null;
  /** messages to the other managers and workers over that Redis (operation events, ended sessions); null: none */
  bus: RedisBus | null;
  /** the RabbitMQ queue operations reach workers through (DIRECTOR_RABBITMQ_URL); null: workers poll the database */
  operationQueue: OperationQueue | null;
}

/**
 * The real adapters for `config` on an open database: the components' internal APIs, SMTP (or the log when no mail
 * server is configured, so that the flows that send mail still work), the guidelines file. `wakeup` is shared when
 * the caller runs several things in one process (`director up`); else a new in-process one.
 */
export async function connectManagerAdapters(
  config: ManagerConfig,
  deps: { db: DatabaseHandle; log: Logger; wakeup?: Wakeup },
): Promise<ManagerAdapters> {
  const log = deps.log.child({ component: "redis" });
  const bus =
    config.redis.url === undefined
      ? null
      : new RedisBus({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, log });
  return {
    db: deps.db,
    log: deps.log,
    components: connectComponents(config),
    wakeup: deps.wakeup ?? new InProcessWakeup(),
    // In-process only: a dispatcher in another process (the worker component) finds new mail by polling.
    mailWakeup: new InProcessWakeup(),
    domainWakeup: new InProcessWakeup(),
    mailer: config.mail.smtpUrl
      ? new SmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from })
      : new LogMailer(deps.log.child({ component: "mail" })),
    guidelines: await loadGuidelines(config.guidelines.filePath),
    redis:
      config.redis.url === undefined ? null : connectRedis(config.redis.url, deps.log.child({ component: "redis" })),
    operationEvents:
      bus === null ? new InProcessOperationEvents() : new RedisOperationEvents(bus.channel("operation-events")),
    bus,
    operationQueue:
      config.rabbitmq.url === undefined
        ? null
        : await RabbitOperationQueue.connect({
            url: config.rabbitmq.url,
            queue: config.rabbitmq.queue,
            deliveryLimit: config.rabbitmq.deliveryLimit,
            log: deps.log.child({ component: "rabbitmq" }),
          }),
  };
}
