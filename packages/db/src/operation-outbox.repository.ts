/**
 * The operations outbox (migration 0025): the ids of unfinished operations, for a relay to hand to the message
 * broker. The operation row stays the truth; a message only tells a worker which row to claim, so sending one twice
 * costs a look-up and losing one costs a delay (it is sent again), never an operation.
 *
 * Fairness between people is decided here, at the last moment: the relay keeps only a few messages waiting in the
 * broker and picks each next one by its creator's turn (their first unfinished operation before anyone's second),
 * so one person's 200 operations do not stand in front of another person's one.
 */
import { sql } from "kysely";
import type { DatabaseHandle } from "./database.js";

/** The advisory lock relays take in turn, so that two never pick the same turns (a number only Director uses). */
const relayLockKey = 72_017_025;

export interface OutboxCounts {
  /** operations waiting for their message */
  unpublished: number;
  /** operations whose message the broker confirmed, not finished yet */
  published: number;
}

export class OperationOutboxRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /**
   * Runs `publish` on the next ids in fair order, as many as `room()` says once the lock is taken (so that relays
   * count the broker's waiting messages one at a time), and records as published those it returns. Due are ids never published, and ids published more than
   * `republishAfterMs` ago whose operation no worker holds (pending, or its lease ran out): their message was lost, or
   * dead-lettered, or its worker died after the broker handed it on.
   */
  async publishDue(
    options: { room: () => Promise<number>; republishAfterMs: number },
    publish: (operationIds: number[]) => Promise<number[]>,
  ): Promise<{ room: number; published: number[] }> {
    return this.#db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${relayLockKey})`.execute(trx);
      const room = await options.room();
      if (room <= 0) return { room, published: [] };
      const due = await sql<{ operation_id: number }>`
        with turns as (
          select o.operation_id, o.published_at, op.status, op.lease_expires_at,
                 row_number() over (partition by coalesce(op.created_by, 0) order by o.operation_id) as turn
          from operation_outbox o join operations op on op.id = o.operation_id
        )
        select operation_id from turns
        where published_at is null
           or (published_at < now() - ${Math.max(0, Math.round(options.republishAfterMs))}::integer * interval '1 millisecond'
               and (status = 'pending' or (status = 'running' and lease_expires_at < now())))
        order by turn, operation_id
        limit ${room}`.execute(trx);
      const ids = due.rows.map((row) => Number(row.operation_id));
      if (ids.length === 0) return { room, published: [] };
      const published = await publish(ids);
      if (published.length > 0) {
        await trx
          .updateTable("operation_outbox")
          .set((eb) => ({ published_at: sql<Date>`now()`, publications: eb("publications", "+", 1) }))
          .where("operation_id", "in", published)
          .execute();
      }
      return { room, published };
    });
  }

  async counts(trx: DatabaseHandle = this.#db): Promise<OutboxCounts> {
    const row = await trx
      .selectFrom("operation_outbox")
      .select((eb) => [
        eb.fn.count<string>("operation_id").filterWhere("published_at", "is", null).as("unpublished"),
        eb.fn.count<string>("operation_id").filterWhere("published_at", "is not", null).as("published"),
      ])
      .executeTakeFirstOrThrow();
    return { unpublished: Number(row.unpublished), published: Number(row.published) };
  }
}
