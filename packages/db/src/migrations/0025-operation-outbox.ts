/**
 * The operations outbox (issue 17): a row per unfinished operation, written in the transaction that queues it, so
 * that a relay can hand its id to RabbitMQ after the commit and a crash between the two loses nothing. The row goes
 * when the operation finishes. Operations unfinished when this migration runs get their rows here.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("operation_outbox")
    .addColumn("operation_id", "integer", (col) => col.primaryKey().references("operations.id").onDelete("cascade"))
    .addColumn("queued_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    // null until a relay has had the broker confirm the message; set again when the message is sent once more
    .addColumn("published_at", "timestamptz")
    .addColumn("publications", "integer", (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`insert into operation_outbox (operation_id)
            select id from operations where status in ('pending', 'running')`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("operation_outbox").execute();
}
