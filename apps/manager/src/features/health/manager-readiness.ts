import { pingDatabase } from "@director/db/database";
import type { ReadinessChecks } from "@director/http-kit/readiness";
import type { ManagerAdapters } from "../../manager-adapters.js";

/**
 * What a manager or worker needs to do its work, as GET /readyz checks it: the database always; Redis and RabbitMQ
 * when configured (without Redis logins answer 503; without RabbitMQ operations wait in the outbox).
 */
export function managerReadinessChecks(
  adapters: Pick<ManagerAdapters, "db" | "redis" | "operationQueue">,
): ReadinessChecks {
  const { redis, operationQueue } = adapters;
  return {
    database: () => pingDatabase(adapters.db),
    ...(redis === null
      ? {}
      : {
          redis: async () => {
            await redis.ping();
          },
        }),
    ...(operationQueue === null
      ? {}
      : {
          rabbitmq: async () => {
            await operationQueue.waitingCount();
          },
        }),
  };
}
