import type { Kysely } from "kysely";

/**
 * Which version of the guidelines a person accepted (packages/domain/src/guidelines-version.ts), so that changing
 * the text asks everyone again. Existing acceptances keep a null version: the migration cannot know the text they
 * accepted; the manager records the version it serves for them when it starts (see hasAcceptedGuidelines).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("guidelines_version", "text").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("guidelines_version").execute();
}
