import { type Kysely, sql } from "kysely";

/**
 * The mail outbox: a message is written in the same transaction as the change it reports, and a dispatcher sends it
 * afterwards, retrying while the mail server is down. A committed change can then never lose its mail, and a
 * rolled-back one never sends any.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("recipients", sql`text[]`, (col) => col.notNull())
    .addColumn("subject", "text", (col) => col.notNull())
    .addColumn("body", "text", (col) => col.notNull())
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    // tries so far, the one that succeeded included
    .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
    // when a dispatcher may take the message next; a dispatcher that claims it pushes this forward by its lease
    .addColumn("next_attempt_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("gave_up_at", "timestamptz")
    .execute();
  // Only waiting messages are ever looked up by time; sent and abandoned ones (nearly all rows, in time) stay out of it.
  await db.schema
    .createIndex("mail_outbox_due_idx")
    .on("mail_outbox")
    .column("next_attempt_at")
    .where(sql<boolean>`sent_at is null and gave_up_at is null`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("mail_outbox").ifExists().execute();
}
