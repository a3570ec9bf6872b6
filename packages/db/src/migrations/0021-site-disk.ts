/**
 * Disk use and quotas of sites, and their processes' crashes (issue 15). `site_disk_usage` is each site's last
 * measure of its volume (the worker replaces it every pass), `site_disk_hours` the most it held per hour (its graph),
 * `site_disk_quotas` an
 * administrator's own quota for a site (none: the orchestrator's default), `site_process_events` each time a site's
 * process crashed or was killed for memory (kept a day; one row per container and kind, so an event read twice is
 * kept once). usage_alerts learns the kinds `disk_quota`, `restart_loop` and `oom_killed`.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("site_disk_usage")
    .addColumn("site_id", "integer", (col) => col.primaryKey().references("sites.id").onDelete("cascade"))
    .addColumn("used_bytes", "bigint", (col) => col.notNull())
    .addColumn("quota_bytes", "bigint", (col) => col.notNull())
    .addColumn("used_inodes", "bigint", (col) => col.notNull())
    .addColumn("total_inodes", "bigint", (col) => col.notNull())
    .addColumn("measured_at", "timestamptz", (col) => col.notNull())
    .execute();
  // The most each site held in each hour, and its quota then: its disk graph over a day or a week (90 days kept).
  await db.schema
    .createTable("site_disk_hours")
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("period_start", "timestamptz", (col) => col.notNull())
    .addColumn("used_max_bytes", "bigint", (col) => col.notNull())
    .addColumn("quota_bytes", "bigint", (col) => col.notNull())
    .addPrimaryKeyConstraint("site_disk_hours_pkey", ["site_id", "period_start"])
    .execute();
  await db.schema
    .createTable("site_disk_quotas")
    .addColumn("site_id", "integer", (col) => col.primaryKey().references("sites.id").onDelete("cascade"))
    .addColumn("quota_bytes", "bigint", (col) => col.notNull().check(sql`quota_bytes >= 16777216`))
    .addColumn("set_at", "timestamptz", (col) => col.notNull())
    .execute();
  await db.schema
    .createTable("site_process_events")
    .addColumn("container_id", "text", (col) => col.notNull())
    .addColumn("kind", "text", (col) => col.notNull().check(sql`kind in ('crash', 'oom')`))
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("at", "timestamptz", (col) => col.notNull())
    .addColumn("exit_code", "integer")
    .addPrimaryKeyConstraint("site_process_events_pkey", ["container_id", "kind"])
    .execute();
  await db.schema
    .createIndex("site_process_events_site_at")
    .on("site_process_events")
    .columns(["site_id", "at"])
    .execute();
  await sql`alter table usage_alerts drop constraint if exists usage_alerts_kind_check`.execute(db);
  await sql`alter table usage_alerts add constraint usage_alerts_kind_check check (kind in ('server_errors', 'memory_limit', 'disk_quota', 'restart_loop', 'oom_killed'))`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from usage_alerts where kind in ('disk_quota', 'restart_loop', 'oom_killed')`.execute(db);
  await sql`alter table usage_alerts drop constraint if exists usage_alerts_kind_check`.execute(db);
  await sql`alter table usage_alerts add constraint usage_alerts_kind_check check (kind in ('server_errors', 'memory_limit'))`.execute(
    db,
  );
  await db.schema.dropTable("site_process_events").execute();
  await db.schema.dropTable("site_disk_quotas").execute();
  await db.schema.dropTable("site_disk_hours").execute();
  await db.schema.dropTable("site_disk_usage").execute();
}
