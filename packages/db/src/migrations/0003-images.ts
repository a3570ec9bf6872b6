/**
 * Images administrators publish (a parent Docker image, setup commands, an install command, a run.sh template), each
 * site's choice of one with its extra packages and the image it last built, and the input an operation was queued
 * with (an image change is recorded there until its build succeeds, never on the site first).
 */
import { type Kysely, sql } from "kysely";

const busyboxRunSh = `#!/bin/sh
# Serves public/ on $PORT with busybox httpd; replace with your own server.
exec httpd -f -p "$PORT" -h /site/public
`;

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("images")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("name", "text", (col) =>
      col.notNull().check(sql`name ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(name) between 2 and 32`),
    )
    .addColumn("friendly_name", "text", (col) => col.notNull())
    .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("logo_url", "text")
    .addColumn("is_user_visible", "boolean", (col) => col.notNull().defaultTo(true))
    .addColumn("parent_ref", "text", (col) => col.notNull())
    .addColumn("setup_commands", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("install_command_prefix", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("run_sh_template", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("images_name_key", ["name"])
    .execute();
  // The image every site ran before images existed: the orchestrator's busybox base image, under its stable tag.
  await db
    .insertInto("images")
    .values({
      name: "busybox",
      friendly_name: "Busybox",
      description: "A tiny Linux with a shell and a small web server (busybox httpd); no package manager.",
      is_user_visible: true,
      parent_ref: "director/base-busybox:latest",
      run_sh_template: busyboxRunSh,
    })
    .execute();

  await db.schema
    .alterTable("sites")
    // null: the default image (busybox). RESTRICT: an image a site uses cannot be deleted (IMAGE_IN_USE).
    .addColumn("image_id", "integer", (col) => col.references("images.id").onDelete("restrict"))
    .addColumn("extra_packages", sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    // The last image built successfully for the site: what its service runs. null: the base image.
    .addColumn("image_ref", "text")
    .execute();
  await db.schema.createIndex("sites_image_id_idx").on("sites").column("image_id").execute();

  await db.schema.alterTable("operations").addColumn("input", "jsonb").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("operations").dropColumn("input").execute();
  await db.schema
    .alterTable("sites")
    .dropColumn("image_id")
    .dropColumn("extra_packages")
    .dropColumn("image_ref")
    .execute();
  await db.schema.dropTable("images").execute();
}
