/**
 * Site databases (issue 14): a site's one database on a registered host. The row is written with the operation that
 * makes it (status `creating`), so a member never sees connection details for something not yet made; `removing` while
 * the operation that drops it runs. Passwords are kept only sealed by the manager, like database hosts' admin URLs; a
 * rotation stores the next password beside the current one until the host has it, so a crash halfway loses neither.
 * Both foreign keys restrict (PostgreSQL names them `site_databases_<column>_fkey`): a site or a host cannot disappear
 * while a database is recorded on it.
 */
import { type Kysely, sql } from "kysely";

const sealedPattern = "^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("site_databases")
    .addColumn("site_id", "integer", (col) => col.primaryKey().references("sites.id").onDelete("restrict"))
    .addColumn("host_id", "integer", (col) => col.notNull().references("database_hosts.id").onDelete("restrict"))
    // the generated name (database and user alike), known once the host has made it
    .addColumn("name", "text", (col) => col.check(sql`name ~ '^dir_[a-z0-9]{1,16}_s[1-9][0-9]{0,9}$'`))
    .addColumn("password_encrypted", "text", (col) =>
      col.notNull().check(sql`password_encrypted ~ ${sql.lit(sealedPattern)}`),
    )
    .addColumn("next_password_encrypted", "text", (col) =>
      col.check(sql`next_password_encrypted ~ ${sql.lit(sealedPattern)}`),
    )
    .addColumn("status", "text", (col) =>
      col.notNull().defaultTo("creating").check(sql`status IN ('creating', 'ready', 'removing')`),
    )
    .addColumn("created_by", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("site_databases_ready_has_name", sql`status = 'creating' OR name IS NOT NULL`)
    .execute();
  // how many databases each host holds (the host is chosen by it)
  await db.schema.createIndex("site_databases_host_id").on("site_databases").column("host_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("site_databases").execute();
}
