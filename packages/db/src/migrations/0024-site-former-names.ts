/**
 * Renamed sites (issue 16): a site's former names, each answered with a redirect to its current name until it
 * expires. A name held here cannot be taken by a new site: the row is deleted only once the redirect and its route are
 * gone from the machines (the name releaser's operation), so a name never serves two sites at once.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("site_former_names")
    .addColumn("name", "text", (col) =>
      col.primaryKey().check(sql`name ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(name) between 2 and 32`),
    )
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("renamed_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("site_former_names_site_id_idx").on("site_former_names").column("site_id").execute();
  await db.schema
    .createIndex("site_former_names_expires_at_idx")
    .on("site_former_names")
    .column("expires_at")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("site_former_names").execute();
}
