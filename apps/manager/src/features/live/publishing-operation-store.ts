import type { OperationsRepository } from "@director/db/operations.repository";
import type { OperationEvents } from "./operation-events.js";

export type WorkerStore = Pick<
  OperationsRepository,
  "claimNext" | "claimById" | "renewLease" | "startStep" | "finishStep" | "finish" | "findById"
>;

/**
 * The worker's operation store, publishing each change it writes (a claim, a step started or ended, the end) so
 * that pages following the site see it at once. Publishing happens after the write has succeeded.
 */
export function publishingOperationStore(store: WorkerStore, events: OperationEvents): WorkerStore {
  return {
    claimNext: async (options) => {
      const claimed = await store.claimNext(options);
      if (claimed) events.publish(claimed.id);
      return claimed;
    },
    claimById: async (id, options) => {
      const claim = await store.claimById(id, options);
      if (claim.outcome === "claimed") events.publish(id);
      return claim;
    },
    renewLease: (options) => store.renewLease(options),
    startStep: async (id, position, trx) => {
      await store.startStep(id, position, trx);
      events.publish(id);
    },
    finishStep: async (id, position, result, trx) => {
      await store.finishStep(id, position, result, trx);
      events.publish(id);
    },
    finish: async (id, result, trx) => {
      await store.finish(id, result, trx);
      events.publish(id);
    },
    findById: (id, trx) => store.findById(id, trx),
  };
}
