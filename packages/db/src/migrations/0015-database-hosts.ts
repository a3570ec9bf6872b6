/**
 * Site databases (issue 14): the database hosts administrators register. The admin URL holds a password, so it is kept
 * only sealed by the manager (AES-256-GCM, `v1:<iv>:<tag>:<ciphertext>`); the check refuses anything else, so a bug
 * cannot store it in plain text.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("database_hosts")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("name", "text", (col) =>
      col.notNull().check(sql`length(name) <= 63 AND name ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    )
    .addColumn("kind", "text", (col) => col.notNull().check(sql`kind IN ('postgres', 'mysql')`))
    // a hostname or an IP address sites connect to (an address of the sites network)
    .addColumn("site_host", "text", (col) => col.notNull().check(sql`length(site_host) BETWEEN 1 AND 253`))
    .addColumn("site_port", "integer", (col) => col.notNull().check(sql`site_port BETWEEN 1 AND 65535`))
    .addColumn("admin_url_encrypted", "text", (col) =>
      col.notNull().check(sql`admin_url_encrypted ~ '^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$'`),
    )
    .addColumn("max_databases", "integer", (col) => col.notNull().check(sql`max_databases > 0`))
    .addColumn("is_accepting", "boolean", (col) => col.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("database_hosts_name_key", ["name"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("database_hosts").execute();
}
