/**
 * SSH (issue 13): the public keys people log in to the shell server with, and the shell server's last report (its
 * host keys' fingerprints and its port), which the web interface shows.
 *
 * A key identifies one person: its fingerprint is unique over every account, not only within one, so the shell
 * server's login can never find two people behind one key, whatever two requests race. That unique index is also how
 * a login finds the key (by the fingerprint of the blob the client offers).
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ssh_keys")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("user_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("label", "text", (col) => col.notNull().check(sql`length(label) between 1 and 100`))
    .addColumn("algorithm", "text", (col) => col.notNull())
    // base64 of the key blob (RFC 4253 §6.6)
    .addColumn("key_data", "text", (col) => col.notNull().check(sql`key_data ~ '^[A-Za-z0-9+/]+=*$'`))
    // SHA256:<base64 without padding>, as ssh-keygen -l prints it
    .addColumn("fingerprint", "text", (col) => col.notNull().check(sql`fingerprint ~ '^SHA256:[A-Za-z0-9+/]{43}$'`))
    .addColumn("bits", "integer", (col) => col.notNull().check(sql`bits > 0`))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addUniqueConstraint("ssh_keys_fingerprint_key", ["fingerprint"])
    .execute();
  // A person's keys, listed and counted (at most 50 per account).
  await db.schema.createIndex("ssh_keys_user_id_idx").on("ssh_keys").columns(["user_id", "id"]).execute();

  // One row (the key can only be true): the shell server's last report, replaced by the next.
  await sql`
    CREATE TABLE shell_server_report (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      host_keys jsonb NOT NULL CHECK (jsonb_typeof(host_keys) = 'array'),
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      reported_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("shell_server_report").execute();
  await db.schema.dropTable("ssh_keys").execute();
}
