/** Administrators look after operations: every operation (or only the failed ones), and a retry of a failed one. */
import type { AuditRepository } from "@director/db/audit.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { Wakeup } from "../../adapters/wakeup.js";

export interface OperationsAdminDeps {
  operations: Pick<OperationsRepository, "listPage" | "requeueFailed">;
  audit: Pick<AuditRepository, "record">;
  wakeup: Wakeup;
}

/** May `actor` see every operation and retry failed ones? Administrators only: operations span every site. */
export function canAdministerOperations(actor: Actor): boolean {
  return actor.isSuperuser;
}

export class OperationsAdminService {
  readonly #deps: OperationsAdminDeps;

  constructor(deps: OperationsAdminDeps) {
    this.#deps = deps;
  }

  async list(
    actor: Actor,
    query: { status: "failed" | "all"; limit: number; offset: number },
  ): Promise<{ operations: Operation[]; total: number }> {
    this.#assertAllowed(actor);
    return this.#deps.operations.listPage(query);
  }

  /** Runs a failed operation again from its failed step (see OperationsRepository.requeueFailed); audited. */
  async retry(actor: Actor, id: number): Promise<Operation> {
    this.#assertAllowed(actor);
    const operation = await this.#deps.operations.requeueFailed(id);
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "operation.retry",
      target: operation.siteName,
      details: { operationId: operation.id, kind: operation.kind },
    });
    this.#deps.wakeup.notify();
    return operation;
  }

  #assertAllowed(actor: Actor): void {
    if (!canAdministerOperations(actor)) {
      throw new DirectorError("FORBIDDEN", "Only administrators may list every operation or retry one.");
    }
  }
}
