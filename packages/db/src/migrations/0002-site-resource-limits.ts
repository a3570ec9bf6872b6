import { type Kysely, sql } from "kysely";

/** Per-site CPU and memory limits of a dynamic site's process; null means the platform default. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("sites")
    .addColumn("cpus", "real", (column) => column.check(sqlCheck("cpus")))
    .addColumn("memory_mib", "integer", (column) => column.check(sqlCheck("memory_mib")))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sites").dropColumn("cpus").dropColumn("memory_mib").execute();
}

function sqlCheck(column: "cpus" | "memory_mib") {
  // The same bounds as the API's (sites.limits.ts); the database refuses what slipped past it.
  return column === "cpus"
    ? sql`cpus is null or (cpus >= 0.05 and cpus <= 16)`
    : sql`memory_mib is null or (memory_mib >= 16 and memory_mib <= 65536)`;
}
