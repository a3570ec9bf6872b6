/** The audit log: who did what, append-only. */
import type { DatabaseHandle } from "./database.js";
import type { AuditEvent } from "./models.js";

/** One thing to record; `target` names what was acted on, e.g. `site:my-site` or `user:alice`. */
export interface NewAuditEvent {
  actorUserId: number | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

/** Writes and reads the audit log. */
export class AuditRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Appends an event. */
  async record(event: NewAuditEvent, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .insertInto("audit_events")
      .values({
        actor_user_id: event.actorUserId,
        action: event.action,
        target: event.target,
        details: JSON.stringify(event.details),
      })
      .execute();
  }

  /** The newest events first. */
  async listRecent(limit: number, trx: DatabaseHandle = this.#db): Promise<AuditEvent[]> {
    const rows = await trx.selectFrom("audit_events").selectAll().orderBy("id", "desc").limit(limit).execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actorUserId: row.actor_user_id,
      action: row.action,
      target: row.target,
      details: row.details,
    }));
  }
}
