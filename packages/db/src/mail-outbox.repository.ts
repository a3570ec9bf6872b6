/** The mail outbox: messages written with the change they report, and the lease that lets dispatchers share them. */

import type { NewOutboxMail, OutboxMail } from "@director/domain/outbox-mail";
import { type Selectable, sql } from "kysely";
import type { DatabaseHandle } from "./database.js";
import type { MailOutboxTable } from "./schema.js";

/** Reads and writes the mail outbox. */
export class MailOutboxRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Queues a message, due at once; pass the transaction of the change it reports so both commit or neither does. */
  async enqueue(message: NewOutboxMail, trx: DatabaseHandle = this.#db): Promise<OutboxMail> {
    const row = await trx
      .insertInto("mail_outbox")
      .values({ recipients: [...message.to], subject: message.subject, body: message.text })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOutboxMail(row);
  }

  /** The message, or null. */
  async findById(id: number, trx: DatabaseHandle = this.#db): Promise<OutboxMail | null> {
    const row = await trx.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toOutboxMail(row) : null;
  }

  /**
   * Takes up to `limit` messages due at `now` (oldest first) and moves their next attempt `leaseMs` past `now`: no
   * other dispatcher takes them while this one sends, and if this one dies they fall due again when the lease ends.
   * FOR UPDATE SKIP LOCKED lets concurrent dispatchers each take different messages without waiting for each other;
   * PostgreSQL re-checks a row another dispatcher updated meanwhile against the WHERE clause before locking it.
   */
  async claimDue(
    claim: { now: Date; limit: number; leaseMs: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<OutboxMail[]> {
    const leaseEnd = new Date(claim.now.getTime() + Math.max(0, claim.leaseMs));
    const rows = await trx
      .updateTable("mail_outbox")
      .set({ next_attempt_at: leaseEnd })
      .where("id", "in", (eb) =>
        eb
          .selectFrom("mail_outbox")
          .select("id")
          .where("sent_at", "is", null)
          .where("gave_up_at", "is", null)
          .where("next_attempt_at", "<=", claim.now)
          .orderBy("next_attempt_at")
          .orderBy("id")
          .limit(claim.limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    // UPDATE … RETURNING keeps no order: send in the order the messages were written.
    return rows.map(toOutboxMail).sort((a, b) => a.id - b.id);
  }

  /** Records a delivery; the message is never tried again. */
  async markSent(id: number, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("mail_outbox")
      .set((eb) => ({ sent_at: sql<Date>`now()`, attempts: eb("attempts", "+", 1), last_error: null }))
      .where("id", "=", id)
      .execute();
  }

  /** Records a failed try: retried at `nextAttemptAt`, or given up when it is null. */
  async markFailed(
    id: number,
    failure: { error: string; nextAttemptAt: Date | null },
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    await trx
      .updateTable("mail_outbox")
      .set((eb) => ({
        attempts: eb("attempts", "+", 1),
        last_error: failure.error,
        ...(failure.nextAttemptAt === null
          ? { gave_up_at: sql<Date>`now()` }
          : { next_attempt_at: failure.nextAttemptAt }),
      }))
      .where("id", "=", id)
      .where("sent_at", "is", null)
      .execute();
  }
}

/** Maps a row to an OutboxMail. */
function toOutboxMail(row: Selectable<MailOutboxTable>): OutboxMail {
  return {
    id: row.id,
    to: row.recipients,
    subject: row.subject,
    text: row.body,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
    lastError: row.last_error,
    gaveUpAt: row.gave_up_at,
  };
}
