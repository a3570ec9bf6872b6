import type { Kysely } from "kysely";

/**
 * Indexes for the administrators' audit search (GET /api/admin/audit): by actor, by target (a site) and by action,
 * each with the id so a page of the newest events is read from the index without sorting the log.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("audit_events_actor_id_idx")
    .on("audit_events")
    .columns(["actor_user_id", "id"])
    .execute();
  await db.schema.createIndex("audit_events_target_id_idx").on("audit_events").columns(["target", "id"]).execute();
  await db.schema.createIndex("audit_events_action_id_idx").on("audit_events").columns(["action", "id"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_events_action_id_idx").execute();
  await db.schema.dropIndex("audit_events_target_id_idx").execute();
  await db.schema.dropIndex("audit_events_actor_id_idx").execute();
}
