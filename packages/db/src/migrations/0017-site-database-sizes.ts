/**
 * Site databases' size limits (issue 14): an administrator's limit for one database (null: the installation's
 * default, from the configuration), the size the background check last measured, and since when the site's writes
 * are stopped for being past the limit (null: they are not). Bytes are bigint: a database may pass 2 GiB.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("site_databases")
    .addColumn("size_limit_bytes", "bigint", (col) => col.check(sql`size_limit_bytes > 0`))
    .addColumn("size_bytes", "bigint", (col) => col.check(sql`size_bytes >= 0`))
    .addColumn("size_measured_at", "timestamptz")
    .addColumn("writes_stopped_at", "timestamptz")
    .execute();
  // the administrators' list of the largest databases
  await db.schema
    .createIndex("site_databases_size_bytes")
    .on("site_databases")
    .expression(sql`size_bytes DESC NULLS LAST`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("site_databases_size_bytes").execute();
  await db.schema
    .alterTable("site_databases")
    .dropColumn("size_limit_bytes")
    .dropColumn("size_bytes")
    .dropColumn("size_measured_at")
    .dropColumn("writes_stopped_at")
    .execute();
}
