/**
 * A site's environment variables and secrets (issue 16): what its process, terminals and SSH sessions get besides
 * what Director sets. A secret's value is kept only sealed by the manager (AES-256-GCM, `v1:…`, like database
 * passwords) and never leaves it but into the site's environment; a plain variable's value is shown to members.
 */
import { type Kysely, sql } from "kysely";

const sealedPattern = "^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("site_variables")
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("name", "text", (col) => col.notNull().check(sql`name ~ '^[A-Za-z_][A-Za-z0-9_]{0,127}$'`))
    .addColumn("value", "text", (col) => col.notNull())
    .addColumn("is_secret", "boolean", (col) => col.notNull())
    .addColumn("updated_at", "timestamptz", (col) => col.notNull())
    .addPrimaryKeyConstraint("site_variables_pkey", ["site_id", "name"])
    // a bug that would store a secret in the clear is refused by the database
    .addCheckConstraint("site_variables_secret_sealed", sql.raw(`not is_secret or value ~ '${sealedPattern}'`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("site_variables").execute();
}
