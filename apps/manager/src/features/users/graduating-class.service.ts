import type { AuditRepository } from "@director/db/audit.repository";
import type { GraduatingClassRepository, GraduatingClassSummary } from "@director/db/graduating-class.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import { canAdminister } from "./users.policy.js";

export interface GraduatingClassServiceDeps {
  graduatingClass: Pick<GraduatingClassRepository, "summary">;
  inTransaction<T>(
    work: (repos: {
      graduatingClass: Pick<GraduatingClassRepository, "disableStudents" | "summary">;
      audit: Pick<AuditRepository, "record">;
    }) => Promise<T>,
  ): Promise<T>;
}

/**
 * The end of a school year: administrators see how many students of a graduation year still log in, and disable
 * them all in one step (the year typed again). Their sites stay, with their other members; an administrator may
 * enable an account again one by one.
 */
export class GraduatingClassService {
  readonly #deps: GraduatingClassServiceDeps;

  constructor(deps: GraduatingClassServiceDeps) {
    this.#deps = deps;
  }

  async summary(actor: Actor, graduationYear: number): Promise<GraduatingClassSummary & { graduationYear: number }> {
    assertAdministrator(actor);
    return { graduationYear, ...(await this.#deps.graduatingClass.summary(graduationYear)) };
  }

  /**
   * CONFIRMATION_MISMATCH unless `confirm` is the year; returns the class after, who was disabled now, and their ids
   * (whose live connections the caller ends at once: their sessions are gone already).
   */
  async disable(actor: Actor, graduationYear: number, confirm: string) {
    assertAdministrator(actor);
    if (confirm.trim() !== String(graduationYear)) {
      const message = `Type ${graduationYear} to disable the accounts of the class of ${graduationYear}.`;
      throw new DirectorError("CONFIRMATION_MISMATCH", message, { details: { fields: { confirm: message } } });
    }
    const result = await this.#deps.inTransaction(async ({ graduatingClass, audit }) => {
      const disabled = await graduatingClass.disableStudents(graduationYear);
      await audit.record({
        actorUserId: actor.id,
        action: "users.disable_class",
        target: `class:${graduationYear}`,
        details: { count: disabled.length },
      });
      return { disabled, summary: await graduatingClass.summary(graduationYear) };
    });
    return {
      view: { graduationYear, ...result.summary, disabledNow: result.disabled.map((user) => user.username) },
      userIds: result.disabled.map((user) => user.id),
    };
  }
}

function assertAdministrator(actor: Actor): void {
  if (!canAdminister(actor, "update_user"))
    throw new DirectorError("FORBIDDEN", "Only administrators manage accounts.");
}
