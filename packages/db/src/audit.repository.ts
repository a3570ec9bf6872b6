/** The audit log: who did what, append-only. */

import type { AuditEvent } from "@director/domain/audit-event";
import type { DatabaseHandle } from "./database.js";

/** One thing to record; `target` names what was acted on, e.g. `site:my-site` or `user:alice`. */
export interface NewAuditEvent {
  actorUserId: number | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

/** Filters of an audit search; every one given must hold. `before` is an event id (the page cursor). */
export interface AuditQuery {
  actorUsername?: string;
  /** events whose target is this exact string, e.g. `site:club` */
  target?: string;
  /** an exact action (`site.create`), or a prefix ending in `.` (`site.`) */
  action?: string;
  before?: string;
  limit: number;
}

/** An event with its actor's username (null: no actor, or the account was deleted). */
export interface AuditEventWithActor extends AuditEvent {
  actorUsername: string | null;
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

  /**
   * Events matching `query`, newest first; ids of a page are below `before`. Ordered by id, not time: ids never
   * repeat and the index on (column, id) answers each filter without a sort.
   */
  async search(query: AuditQuery, trx: DatabaseHandle = this.#db): Promise<AuditEventWithActor[]> {
    let select = trx
      .selectFrom("audit_events")
      .leftJoin("users", "users.id", "audit_events.actor_user_id")
      .selectAll("audit_events")
      .select("users.username as actor_username");
    if (query.actorUsername !== undefined) select = select.where("users.username", "=", query.actorUsername);
    if (query.target !== undefined) select = select.where("audit_events.target", "=", query.target);
    if (query.action !== undefined) {
      select = query.action.endsWith(".")
        ? select.where("audit_events.action", "like", `${query.action.replace(/[\\%_]/g, "\\$&")}%`)
        : select.where("audit_events.action", "=", query.action);
    }
    if (query.before !== undefined) select = select.where("audit_events.id", "<", query.before);
    const rows = await select.orderBy("audit_events.id", "desc").limit(query.limit).execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actorUserId: row.actor_user_id,
      actorUsername: row.actor_username,
      action: row.action,
      target: row.target,
      details: row.details,
    }));
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
