import { type Kysely, sql } from "kysely";

/**
 * Which door a session opens (issue 13): `web`, the web interface and the JSON API; `shell`, the shell server's
 * channels only. The shell server holds the tokens of the people logged in over SSH; a shell token is refused
 * everywhere else, so that whoever reads the shell server's memory cannot use the web API as them.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE sessions ADD COLUMN kind text NOT NULL DEFAULT 'web'
    CONSTRAINT sessions_kind_check CHECK (kind IN ('web', 'shell'))`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions DROP COLUMN kind`.execute(db);
}
