/**
 * Disk use and quotas of sites (issue 15). `site_disk_usage` is each site's last measure of its volume (the worker
 * replaces it every pass; a measure's history is not kept), `site_disk_quotas` an administrator's own quota for a
 * site (none: the orchestrator's default). usage_alerts learns the kind `disk_quota`.
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
  await db.schema
    .createTable("site_disk_quotas")
    .addColumn("site_id", "integer", (col) => col.primaryKey().references("sites.id").onDelete("cascade"))
    .addColumn("quota_bytes", "bigint", (col) => col.notNull().check(sql`quota_bytes >= 16777216`))
    .addColumn("set_at", "timestamptz", (col) => col.notNull())
    .execute();
  await sql`alter table usage_alerts drop constraint if exists usage_alerts_kind_check`.execute(db);
  await sql`alter table usage_alerts add constraint usage_alerts_kind_check check (kind in ('server_errors', 'memory_limit', 'disk_quota'))`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from usage_alerts where kind = 'disk_quota'`.execute(db);
  await sql`alter table usage_alerts drop constraint if exists usage_alerts_kind_check`.execute(db);
  await sql`alter table usage_alerts add constraint usage_alerts_kind_check check (kind in ('server_errors', 'memory_limit'))`.execute(
    db,
  );
  await db.schema.dropTable("site_disk_quotas").execute();
  await db.schema.dropTable("site_disk_usage").execute();
}
