/**
 * The drift of site databases: what each registered database host has of this installation (its inventory) against
 * the `site_databases` rows; pure, so that every rule is a unit test. database-reconcile.ts reads both and repairs.
 */
import type { DriftFinding } from "@director/contracts/manager-reconcile";
import type { DatabaseHostName } from "@director/domain/database-host";
import type { SiteId } from "@director/domain/site";
import type { SiteDatabaseRecord } from "@director/domain/site-database";

/** What one database host answered: the sites of this installation with a database or a user on it. */
export interface DatabaseHostInventory {
  host: { id: number; name: DatabaseHostName };
  siteIds: readonly SiteId[];
}

/** A database or user on a host with no `site_databases` row on that host: removed by reconcile. */
export interface LeftoverDatabase {
  hostId: number;
  siteId: SiteId;
  finding: DriftFinding;
}

/** A `ready` site database its host does not have: its site's repair makes it again, empty. */
export interface MissingDatabase {
  hostId: number;
  siteId: SiteId;
  finding: DriftFinding;
}

/**
 * Compares each host's inventory with the rows, which must have been read after the inventories: a database is made
 * only after its row is written (status `creating`), so any database an inventory saw whose site still has it has its
 * row by then. A site with a row on the host, whatever its status, is never a leftover there: `creating` may be about
 * to make it, `removing` is dropping it. Only `ready` rows can be missing (a `creating` one has nothing yet). With
 * `hasLeftovers` false (a run for one site) no leftovers are looked for.
 */
export function computeDatabaseDrift(input: {
  inventories: readonly DatabaseHostInventory[];
  rows: readonly SiteDatabaseRecord[];
  hasLeftovers: boolean;
}): { leftovers: LeftoverDatabase[]; missing: MissingDatabase[] } {
  const leftovers: LeftoverDatabase[] = [];
  const missing: MissingDatabase[] = [];
  for (const { host, siteIds } of input.inventories) {
    const rows = input.rows.filter((row) => row.hostId === host.id);
    const recorded = new Set<number>(rows.map((row) => row.siteId));
    const present = new Set<number>(siteIds);
    if (input.hasLeftovers) {
      for (const siteId of siteIds) {
        if (recorded.has(siteId)) continue;
        leftovers.push({
          hostId: host.id,
          siteId,
          finding: {
            kind: "orphan_database",
            message: `The database host ${host.name} keeps a database or user of site id ${siteId}, which has no database there.`,
          },
        });
      }
    }
    for (const row of rows) {
      if (row.status !== "ready" || present.has(row.siteId)) continue;
      missing.push({
        hostId: host.id,
        siteId: row.siteId,
        finding: {
          kind: "missing_database",
          message: `The site's database ${row.name ?? ""} and its user are missing on the database host ${host.name}. The repair makes them again with the same name and password, empty: their data is not restored.`,
        },
      });
    }
  }
  return { leftovers, missing };
}

/**
 * The missing databases a second inventory, read after the rows, still lacks: a database made between the first
 * inventory and the row read (its row turned `ready` meanwhile) is in the second. A host that did not answer the
 * second time confirms nothing.
 */
export function stillMissing(
  missing: readonly MissingDatabase[],
  again: readonly DatabaseHostInventory[],
): MissingDatabase[] {
  const answered = new Map(again.map(({ host, siteIds }) => [host.id, new Set<number>(siteIds)]));
  return missing.filter(({ hostId, siteId }) => answered.get(hostId)?.has(siteId) === false);
}
