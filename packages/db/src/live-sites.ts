import type { SiteId } from "@director/domain/site";
import type { DatabaseHandle } from "./database.js";

/**
 * Which of `ids` are still sites: what a collector measured may belong to a site deleted since, whose rows would break
 * the foreign key (and mean nothing). One query for the lot.
 */
export async function liveSiteIds(db: DatabaseHandle, ids: readonly SiteId[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("sites")
    .select("id")
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Set(rows.map((row) => row.id));
}
