import { setTimeout as sleep } from "node:timers/promises";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Operation } from "@director/domain/operation";

const pollIntervalMs = 100;

/**
 * The operation once it has ended, or as it stands when `timeoutMs` runs out. It polls the database, so it
 * is right whichever process runs the worker.
 */
export async function waitForOperation(
  operations: Pick<OperationsRepository, "findById">,
  operation: Operation,
  timeoutMs: number,
): Promise<Operation> {
  const deadline = Date.now() + timeoutMs;
  let current = operation;
  while (current.status !== "succeeded" && current.status !== "failed" && Date.now() < deadline) {
    await sleep(pollIntervalMs);
    current = (await operations.findById(current.id)) ?? current;
  }
  return current;
}
