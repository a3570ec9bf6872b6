/**
 * What each dynamic site's process used (issue 15): CPU time and the most memory it held, by site and minute and by
 * site and hour, from the Docker engine's counters of its running container (sampled by the worker every 30 s). Kept
 * like traffic: minutes a day, hours 90 days, a row only for a period in which the site's process ran. A deleted
 * site's rows go with it.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, periodSeconds] of [
    ["site_resource_minutes", 60],
    ["site_resource_hours", 3600],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("period_start", "timestamptz", (col) =>
        col.notNull().check(sql`extract(epoch from period_start) % ${sql.lit(periodSeconds)} = 0`),
      )
      // CPU time the process used in the period, in ms (one core busy for a minute: 60,000)
      .addColumn("cpu_ms", "bigint", (col) => col.notNull().defaultTo(0).check(sql`cpu_ms >= 0`))
      .addColumn("memory_max_bytes", "bigint", (col) => col.notNull().defaultTo(0).check(sql`memory_max_bytes >= 0`))
      // the container's memory limit when last sampled; null: none
      .addColumn("memory_limit_bytes", "bigint")
      .addPrimaryKeyConstraint(`${table}_pkey`, ["site_id", "period_start"])
      .execute();
    await db.schema.createIndex(`${table}_period_start`).on(table).column("period_start").execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("site_resource_hours").execute();
  await db.schema.dropTable("site_resource_minutes").execute();
}
