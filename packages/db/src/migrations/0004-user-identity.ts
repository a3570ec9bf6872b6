import { type Kysely, sql } from "kysely";

/**
 * Who a person is at the institution: their role (student, teacher or a service account; administrators are
 * superusers of any role), graduation year, the identity provider's subject for OpenID Connect logins, when they
 * accepted the guidelines and when they last logged in (null: invited by username, never logged in yet).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("role", "text", (col) =>
      col.notNull().defaultTo("student").check(sql`role in ('student', 'teacher', 'service')`),
    )
    .addColumn("graduation_year", "integer", (col) =>
      col.check(sql`graduation_year is null or (graduation_year between 1900 and 2200)`),
    )
    .addColumn("oidc_subject", "text")
    .addColumn("guidelines_accepted_at", "timestamptz")
    .addColumn("last_login_at", "timestamptz")
    .execute();
  // One account per identity-provider subject; most accounts have none.
  await db.schema
    .createIndex("users_oidc_subject_key")
    .on("users")
    .column("oidc_subject")
    .unique()
    .where(sql.ref("oidc_subject"), "is not", null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("users_oidc_subject_key").execute();
  await db.schema
    .alterTable("users")
    .dropColumn("role")
    .dropColumn("graduation_year")
    .dropColumn("oidc_subject")
    .dropColumn("guidelines_accepted_at")
    .dropColumn("last_login_at")
    .execute();
}
