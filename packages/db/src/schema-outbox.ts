/** The operations outbox (migration 0025), beside schema.ts. */
import type { ColumnType, Generated } from "kysely";

/** An unfinished operation's id waiting for, or handed to, the message broker. */
export interface OperationOutboxTable {
  operation_id: number;
  queued_at: ColumnType<Date, Date | undefined, never>;
  published_at: Date | null;
  publications: Generated<number>;
}
