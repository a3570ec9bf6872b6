import type { DatabaseHostName } from "@director/domain/database-host";
import type { SiteId } from "@director/domain/site";
import type { SiteDatabaseName, SiteDatabaseRecord, SiteDatabaseStatus } from "@director/domain/site-database";
import { describe, expect, it } from "vitest";
import { computeDatabaseDrift, type DatabaseHostInventory, stillMissing } from "./database-drift.js";

const pg = { id: 1, name: "main-pg" as DatabaseHostName };
const maria = { id: 2, name: "main-maria" as DatabaseHostName };

function row(siteId: number, hostId: number, status: SiteDatabaseStatus): SiteDatabaseRecord {
  return {
    siteId: siteId as SiteId,
    hostId,
    name: status === "creating" ? null : (`dir_lab1_s${siteId}` as SiteDatabaseName),
    passwordEncrypted: "v1:a:b:c",
    nextPasswordEncrypted: null,
    status,
    sizeLimitBytes: null,
    sizeBytes: null,
    sizeMeasuredAt: null,
    writesStoppedAt: null,
    createdBy: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

const inventory = (host: typeof pg, ...siteIds: number[]): DatabaseHostInventory => ({
  host,
  siteIds: siteIds as SiteId[],
});

describe("computeDatabaseDrift", () => {
  it("finds nothing when every host has exactly the databases of its rows", () => {
    const drift = computeDatabaseDrift({
      inventories: [inventory(pg, 1, 2), inventory(maria, 3)],
      rows: [row(1, 1, "ready"), row(2, 1, "ready"), row(3, 2, "ready")],
      hasLeftovers: true,
    });
    expect(drift).toEqual({ leftovers: [], missing: [] });
  });

  it("reports a database or user with no row on its host as a leftover there, naming the host", () => {
    const drift = computeDatabaseDrift({
      // site 4 was deleted; site 3's database lives on the MariaDB host, so the one on PostgreSQL is left over
      inventories: [inventory(pg, 1, 3, 4), inventory(maria, 3)],
      rows: [row(1, 1, "ready"), row(3, 2, "ready")],
      hasLeftovers: true,
    });
    expect(drift.missing).toEqual([]);
    expect(drift.leftovers).toEqual([
      {
        hostId: 1,
        siteId: 3,
        finding: {
          kind: "orphan_database",
          message: "The database host main-pg keeps a database or user of site id 3, which has no database there.",
        },
      },
      { hostId: 1, siteId: 4, finding: expect.objectContaining({ kind: "orphan_database" }) },
    ]);
  });

  it("never takes a site whose row is on the host for a leftover, whatever the row's status", () => {
    const drift = computeDatabaseDrift({
      // 5 is being made (its operation may have run halfway), 6 is being dropped
      inventories: [inventory(pg, 5, 6)],
      rows: [row(5, 1, "creating"), row(6, 1, "removing")],
      hasLeftovers: true,
    });
    expect(drift).toEqual({ leftovers: [], missing: [] });
  });

  it("reports a ready database its host lacks, saying its data is not restored; not one being made or dropped", () => {
    const drift = computeDatabaseDrift({
      inventories: [inventory(pg), inventory(maria)],
      rows: [row(1, 1, "ready"), row(2, 1, "creating"), row(3, 1, "removing"), row(4, 2, "ready")],
      hasLeftovers: true,
    });
    expect(drift.leftovers).toEqual([]);
    expect(drift.missing).toEqual([
      {
        hostId: 1,
        siteId: 1,
        finding: {
          kind: "missing_database",
          message:
            "The site's database dir_lab1_s1 and its user are missing on the database host main-pg. The repair makes them again with the same name and password, empty: their data is not restored.",
        },
      },
      { hostId: 2, siteId: 4, finding: expect.objectContaining({ kind: "missing_database" }) },
    ]);
  });

  it("checks only the hosts that answered, and looks for no leftovers in a run for one site", () => {
    const drift = computeDatabaseDrift({
      inventories: [inventory(pg, 7, 9)],
      rows: [row(8, 1, "ready"), row(1, 2, "ready")],
      hasLeftovers: false,
    });
    expect(drift).toEqual({
      leftovers: [],
      missing: [{ hostId: 1, siteId: 8, finding: expect.objectContaining({ kind: "missing_database" }) }],
    });
  });
});

describe("stillMissing", () => {
  const missing = computeDatabaseDrift({
    inventories: [inventory(pg), inventory(maria)],
    rows: [row(1, 1, "ready"), row(2, 1, "ready"), row(3, 2, "ready")],
    hasLeftovers: true,
  }).missing;

  it("keeps what the second inventory lacks too, drops what it has (made meanwhile)", () => {
    const kept = stillMissing(missing, [inventory(pg, 2), inventory(maria)]);
    expect(kept.map(({ hostId, siteId }) => [hostId, siteId])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it("confirms nothing on a host that did not answer the second time", () => {
    expect(stillMissing(missing, [inventory(maria)]).map(({ siteId }) => siteId)).toEqual([3]);
  });
});
