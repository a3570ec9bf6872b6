import { type Kysely, sql } from "kysely";

/**
 * Site requests (a student asks for an activity site; the sponsoring teacher, then an administrator decide) and
 * trigram indexes for the site search (ILIKE '%word%' on names and descriptions stays fast at 10,000 sites).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("site_requests")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("requester_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("sponsor_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("activity", "text", (col) => col.notNull())
    .addColumn("site_name", "text", (col) => col.notNull())
    .addColumn("details", "text", (col) => col.notNull().defaultTo(""))
    // the requester ticked the agreement (the guidelines and their responsibility for the site) at this time
    .addColumn("agreed_at", "timestamptz", (col) => col.notNull())
    .addColumn("status", "text", (col) =>
      col
        .notNull()
        .defaultTo("awaiting_teacher")
        .check(
          sql`status in ('awaiting_teacher', 'awaiting_admin', 'approved', 'rejected_by_teacher', 'rejected_by_admin')`,
        ),
    )
    .addColumn("teacher_comment", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("teacher_decided_at", "timestamptz")
    .addColumn("admin_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    /** shown to the requester and the sponsor */
    .addColumn("admin_public_comment", "text", (col) => col.notNull().defaultTo(""))
    /** administrators only */
    .addColumn("admin_private_comment", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("admin_decided_at", "timestamptz")
    // the site Director created on approval; null again once that site is deleted
    .addColumn("site_id", "integer", (col) => col.references("sites.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("site_requests_site_only_when_approved", sql`site_id is null or status = 'approved'`)
    .execute();
  await db.schema.createIndex("site_requests_requester_id_idx").on("site_requests").column("requester_id").execute();
  await db.schema.createIndex("site_requests_sponsor_id_idx").on("site_requests").column("sponsor_id").execute();
  // Two open requests for one site name would make the second approval fail; refuse the second request instead.
  await db.schema
    .createIndex("site_requests_open_site_name_key")
    .on("site_requests")
    .column("site_name")
    .unique()
    .where(sql<boolean>`status in ('awaiting_teacher', 'awaiting_admin')`)
    .execute();

  // pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it without being a superuser.
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index sites_name_trgm_idx on sites using gin (name gin_trgm_ops)`.execute(db);
  await sql`create index sites_description_trgm_idx on sites using gin (description gin_trgm_ops)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("sites_description_trgm_idx").ifExists().execute();
  await db.schema.dropIndex("sites_name_trgm_idx").ifExists().execute();
  await db.schema.dropTable("site_requests").ifExists().execute();
}
