/**
 * When each site was last alerted about its use, by kind (issue 15): a site serving mostly server errors, a process
 * at its memory limit. A site is told at most once a day per kind; the row is claimed in one statement, so two
 * workers never send one alert twice. A deleted site's rows go with it.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("usage_alerts")
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("kind", "text", (col) => col.notNull().check(sql`kind in ('server_errors', 'memory_limit')`))
    .addColumn("sent_at", "timestamptz", (col) => col.notNull())
    .addColumn("details", "text", (col) => col.notNull().defaultTo(""))
    .addPrimaryKeyConstraint("usage_alerts_pkey", ["site_id", "kind"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("usage_alerts").execute();
}
