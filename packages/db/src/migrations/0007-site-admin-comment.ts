import type { Kysely } from "kysely";

/**
 * An administrator's comment on a site ("disabled until the club's sponsor answers"): shown to the site's members,
 * also while the site is disabled, so that they know why and what to do.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("sites")
    .addColumn("admin_comment", "text", (col) => col.notNull().defaultTo(""))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sites").dropColumn("admin_comment").execute();
}
