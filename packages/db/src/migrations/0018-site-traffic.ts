/**
 * What each site's visitors asked of it (issue 15): requests, bytes sent, status classes and response time, counted
 * from the balancer's traffic log by site and minute, and by site and hour. The minutes are kept for a day and the
 * hours for 90 days (the usage collector prunes them), so the tables stay bounded: at 10,000 sites each serving every
 * minute, about 14 M minute rows and 21 M hour rows at most, and far fewer in practice (a row exists only for a minute
 * or an hour with requests). Each read of the log adds to both tables in the transaction that moves the cursor
 * (`usage_cursors`), so a request is counted once. A deleted site's rows go with it.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, periodSeconds] of [
    ["site_traffic_minutes", 60],
    ["site_traffic_hours", 3600],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("period_start", "timestamptz", (col) =>
        // the start of a whole minute or hour (UTC), so that adding to a row never splits a period
        col.notNull().check(sql`extract(epoch from period_start) % ${sql.lit(periodSeconds)} = 0`),
      )
      .addColumn("requests", "bigint", (col) => col.notNull().defaultTo(0).check(sql`requests >= 0`))
      .addColumn("bytes_sent", "bigint", (col) => col.notNull().defaultTo(0).check(sql`bytes_sent >= 0`))
      .addColumn("status_2xx", "bigint", (col) => col.notNull().defaultTo(0))
      .addColumn("status_3xx", "bigint", (col) => col.notNull().defaultTo(0))
      .addColumn("status_4xx", "bigint", (col) => col.notNull().defaultTo(0))
      .addColumn("status_5xx", "bigint", (col) => col.notNull().defaultTo(0))
      .addColumn("request_time_ms_sum", "bigint", (col) => col.notNull().defaultTo(0))
      .addColumn("request_time_ms_max", "integer", (col) => col.notNull().defaultTo(0))
      .addPrimaryKeyConstraint(`${table}_pkey`, ["site_id", "period_start"])
      .execute();
    // pruning, and the busiest sites over a window
    await db.schema.createIndex(`${table}_period_start`).on(table).column("period_start").execute();
  }
  // Where the manager is in each orchestrator's traffic log (contracts/orchestrator-usage.ts).
  await db.schema
    .createTable("usage_cursors")
    .addColumn("source", "text", (col) => col.primaryKey())
    .addColumn("cursor", "jsonb", (col) => col.notNull())
    .addColumn("updated_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("usage_cursors").execute();
  await db.schema.dropTable("site_traffic_hours").execute();
  await db.schema.dropTable("site_traffic_minutes").execute();
}
