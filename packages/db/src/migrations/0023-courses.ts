/**
 * Courses (issue 16): a teacher's class, with one project site per student made from a roster. The course keeps
 * which site is whose, so that a roster uploaded again makes only what is missing and the course's sites can be
 * removed together at its end.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("courses")
    .addColumn("id", "serial", (col) => col.primaryKey())
    .addColumn("name", "text", (col) =>
      col.notNull().unique().check(sql`name ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(name) between 2 and 16`),
    )
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("site_name_pattern", "text", (col) => col.notNull())
    .addColumn("site_type", "text", (col) => col.notNull().check(sql`site_type in ('static', 'dynamic')`))
    .addColumn("image_id", "integer", (col) => col.references("images.id").onDelete("set null"))
    .addColumn("template_site_id", "integer", (col) => col.references("sites.id").onDelete("set null"))
    .addColumn("owner_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("course_students")
    .addColumn("course_id", "integer", (col) => col.notNull().references("courses.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    // null once the site is gone (deleted on its own): a roster uploaded again makes it anew
    .addColumn("site_id", "integer", (col) => col.unique().references("sites.id").onDelete("set null"))
    .addColumn("added_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("course_students_pkey", ["course_id", "user_id"])
    .execute();
  await db.schema.createIndex("courses_owner_id_idx").on("courses").column("owner_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("course_students").execute();
  await db.schema.dropTable("courses").execute();
}
