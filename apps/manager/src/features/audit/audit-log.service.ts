import type { AuditEventWithActor, AuditRepository } from "@director/db/audit.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import { canAdminister } from "../users/users.policy.js";

/** Filters of the audit log as the API takes them. */
export interface AuditLogQuery {
  actor?: string | undefined;
  site?: string | undefined;
  action?: string | undefined;
  before?: string | undefined;
  limit: number;
}

/** The audit log for administrators: who did what, newest first, a page at a time. */
export class AuditLogService {
  readonly #audit: Pick<AuditRepository, "search">;

  constructor(deps: { audit: Pick<AuditRepository, "search"> }) {
    this.#audit = deps.audit;
  }

  /** One page; `nextBefore` is the cursor of the next (older) page, null when this one is the last. */
  async list(
    actor: Actor,
    query: AuditLogQuery,
  ): Promise<{ events: AuditEventWithActor[]; nextBefore: string | null }> {
    if (!canAdminister(actor, "read_audit")) {
      throw new DirectorError("FORBIDDEN", "Only administrators read the audit log.");
    }
    // One more than asked tells whether an older page exists without a count.
    const found = await this.#audit.search({
      ...(query.actor === undefined ? {} : { actorUsername: query.actor.toLowerCase() }),
      ...(query.site === undefined ? {} : { target: `site:${query.site.toLowerCase()}` }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.before === undefined ? {} : { before: query.before }),
      limit: query.limit + 1,
    });
    const events = found.slice(0, query.limit);
    const last = events.at(-1);
    return { events, nextBefore: found.length > query.limit && last ? last.id : null };
  }
}
