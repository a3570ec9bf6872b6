/** The first schema: accounts, sessions, sites and their members, operations with steps, the audit log. */
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> on purpose: they describe the schema as it was then, not today's DB interface.
// biome-ignore lint/suspicious/noExplicitAny: see above
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("username", "text", (col) => col.notNull())
    .addColumn("display_name", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("email", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("password_hash", "text")
    .addColumn("is_superuser", "boolean", (col) => col.notNull().defaultTo(false))
    .addColumn("is_active", "boolean", (col) => col.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("users_username_key", ["username"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("token_hash", "text", (col) => col.primaryKey())
    .addColumn("user_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (col) => col.notNull())
    .addColumn("last_seen_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();
  await db.schema.createIndex("sessions_expires_at_idx").on("sessions").column("expires_at").execute();

  await db.schema
    .createTable("sites")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("type", "text", (col) => col.notNull().check(sql`type in ('static', 'dynamic')`))
    .addColumn("purpose", "text", (col) =>
      col.notNull().check(sql`purpose in ('personal', 'project', 'activity', 'other')`),
    )
    .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("availability", "text", (col) =>
      col.notNull().defaultTo("enabled").check(sql`availability in ('enabled', 'not-served', 'disabled')`),
    )
    .addColumn("client_body_limit_bytes", "integer", (col) => col.check(sql`client_body_limit_bytes > 0`))
    .addColumn("ready_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("sites_name_key", ["name"])
    .execute();

  await db.schema
    .createTable("site_members")
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("site_members_pkey", ["site_id", "user_id"])
    .execute();
  // The primary key serves "members of a site"; this serves "sites of a user" (the site list).
  await db.schema.createIndex("site_members_user_id_idx").on("site_members").column("user_id").execute();

  await db.schema
    .createTable("operations")
    .addColumn("id", "integer", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("site_id", "integer", (col) => col.references("sites.id").onDelete("set null"))
    .addColumn("site_name", "text", (col) => col.notNull())
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("status", "text", (col) =>
      col.notNull().defaultTo("pending").check(sql`status in ('pending', 'running', 'succeeded', 'failed')`),
    )
    .addColumn("created_by", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .addColumn("error", "text")
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at", "timestamptz")
    .execute();
  // The "one operation at a time per site" lock: the database refuses a second unfinished operation.
  await db.schema
    .createIndex("operations_one_active_per_site")
    .on("operations")
    .column("site_id")
    .unique()
    .where(sql<boolean>`status in ('pending', 'running')`)
    .execute();
  // claimNext scans only unfinished operations, oldest first.
  await db.schema
    .createIndex("operations_unfinished_idx")
    .on("operations")
    .column("id")
    .where(sql<boolean>`status in ('pending', 'running')`)
    .execute();
  await db.schema.createIndex("operations_site_id_idx").on("operations").columns(["site_id", "id"]).execute();

  await db.schema
    .createTable("operation_steps")
    .addColumn("operation_id", "integer", (col) => col.notNull().references("operations.id").onDelete("cascade"))
    .addColumn("position", "integer", (col) => col.notNull())
    .addColumn("slug", "text", (col) => col.notNull())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("status", "text", (col) =>
      col.notNull().defaultTo("pending").check(sql`status in ('pending', 'running', 'succeeded', 'failed')`),
    )
    .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .addColumn("message", "text", (col) => col.notNull().defaultTo(""))
    .addPrimaryKeyConstraint("operation_steps_pkey", ["operation_id", "position"])
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "bigint", (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn("actor_user_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("action", "text", (col) => col.notNull())
    .addColumn("target", "text", (col) => col.notNull())
    .addColumn("details", "jsonb", (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex("audit_events_at_idx").on("audit_events").column("at").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["audit_events", "operation_steps", "operations", "site_members", "sites", "sessions", "users"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
