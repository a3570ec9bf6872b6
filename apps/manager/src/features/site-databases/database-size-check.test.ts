/**
 * The size check's own decisions, on in-memory stand-ins for the repositories and the orchestrator (the real path,
 * from a member's growing table to a refused INSERT on PostgreSQL and MariaDB, is e2e/site-databases.e2e.test.ts).
 */
import type { DatabaseHost } from "@director/contracts/orchestrator-databases";
import type { DatabaseHostRecord } from "@director/domain/database-host";
import type { SiteId } from "@director/domain/site";
import type { SiteDatabaseRecord } from "@director/domain/site-database";
import { describe, expect, it } from "vitest";
import { DatabaseSizeCheck } from "./database-size-check.js";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function record(siteId: number, hostId: number, extra: Partial<SiteDatabaseRecord> = {}): SiteDatabaseRecord {
  return {
    siteId: siteId as SiteId,
    hostId,
    status: "ready",
    sizeLimitBytes: null,
    sizeBytes: null,
    sizeMeasuredAt: null,
    writesStoppedAt: null,
    ...extra,
  } as SiteDatabaseRecord;
}

function host(id: number, name: string): DatabaseHostRecord {
  return { id, name, kind: "postgres", adminUrlEncrypted: `sealed:${name}` } as DatabaseHostRecord;
}

/** In-memory stand-ins: rows by site id, sizes by admin URL, and what the check asked the hosts to do. */
function setUp(rows: SiteDatabaseRecord[], sizes: Record<string, Map<SiteId, number> | "down">) {
  const byId = new Map(rows.map((row) => [row.siteId, row]));
  const hosts = new Map([
    [1, host(1, "pg-a")],
    [2, host(2, "pg-b")],
  ]);
  const calls: string[] = [];
  const audits: string[] = [];
  const check = new DatabaseSizeCheck({
    databases: {
      listReadyByHost: async () => {
        const grouped = new Map<number, SiteDatabaseRecord[]>();
        for (const row of byId.values()) {
          if (row.status !== "ready") continue;
          grouped.set(row.hostId, [...(grouped.get(row.hostId) ?? []), row]);
        }
        return grouped;
      },
      findForSite: async (siteId) => byId.get(siteId) ?? null,
      recordSize: async (siteId, measured) => {
        const row = byId.get(siteId);
        if (row) byId.set(siteId, { ...row, sizeBytes: measured.sizeBytes, writesStoppedAt: measured.writesStoppedAt });
      },
    },
    hosts: { findById: async (id) => hosts.get(id) ?? null },
    sites: { findById: async (id) => ({ name: `site${id}` }) as never },
    hosting: {
      sizes: async (connection: DatabaseHost) => {
        const answer = sizes[connection.adminUrl];
        if (answer === undefined || answer === "down") throw new Error(`${connection.adminUrl} does not answer`);
        return answer;
      },
      setWritesAllowed: async (siteId, _host, isAllowed) => {
        calls.push(`${isAllowed ? "allow" : "stop"} ${siteId}`);
      },
    },
    audit: { record: async (event) => void audits.push(`${event.action} ${event.target}`) },
    sealer: { seal: (plain) => `sealed:${plain}`, open: (sealed) => sealed.replace(/^sealed:/, "") },
    log: quiet,
    options: { intervalMs: 60_000, defaultLimitBytes: 1000 },
  });
  return { check, byId, calls, audits };
}

describe("DatabaseSizeCheck", () => {
  it("stops the writes of a database past its limit and allows them again once it is under it", async () => {
    const sizes = new Map([
      [1 as SiteId, 1500],
      [2 as SiteId, 900],
      [3 as SiteId, 1500],
    ]);
    const { check, byId, calls, audits } = setUp([record(1, 1), record(2, 1), record(3, 1, { sizeLimitBytes: 2000 })], {
      "pg-a": sizes,
    });
    expect(await check.checkAll()).toEqual({ measured: 3, stopped: 1, allowed: 0, failedHosts: [] });
    // site 3 has its own, higher limit; site 2 is under the default
    expect(calls).toEqual(["stop 1"]);
    expect(audits).toEqual(["site.database_writes_stopped site:site1"]);
    expect(byId.get(1 as SiteId)?.writesStoppedAt).toBeInstanceOf(Date);
    expect(byId.get(2 as SiteId)).toMatchObject({ sizeBytes: 900, writesStoppedAt: null });

    // Nothing changed: nothing is asked of the host again.
    await check.checkAll();
    expect(calls).toEqual(["stop 1"]);

    sizes.set(1 as SiteId, 1000); // at the limit is allowed
    expect(await check.checkAll()).toMatchObject({ stopped: 0, allowed: 1 });
    expect(calls).toEqual(["stop 1", "allow 1"]);
    expect(byId.get(1 as SiteId)?.writesStoppedAt).toBeNull();
  });

  it("measures the other hosts when one does not answer, keeping that one's databases as they were", async () => {
    const stoppedAt = new Date("2026-12-01T00:00:00Z");
    const { check, byId, calls } = setUp([record(1, 1, { writesStoppedAt: stoppedAt }), record(2, 2)], {
      "pg-a": "down",
      "pg-b": new Map([[2 as SiteId, 5000]]),
    });
    expect(await check.checkAll()).toEqual({ measured: 1, stopped: 1, allowed: 0, failedHosts: ["pg-a"] });
    expect(calls).toEqual(["stop 2"]);
    expect(byId.get(1 as SiteId)?.writesStoppedAt).toBe(stoppedAt);
  });

  it("leaves a database the host no longer has, and one not ready, alone", async () => {
    const { check, calls, byId } = setUp([record(1, 1), record(2, 1, { status: "creating" })], {
      "pg-a": new Map([[2 as SiteId, 5000]]),
    });
    expect(await check.checkAll()).toMatchObject({ measured: 0, stopped: 0 });
    expect(calls).toEqual([]);
    expect(await check.checkSite(2 as SiteId)).toMatchObject({ status: "creating" });
    expect(calls).toEqual([]);
    expect(byId.get(1 as SiteId)?.sizeBytes).toBeNull();
  });

  it("applies one site's limit at once", async () => {
    const { check, calls } = setUp([record(1, 1, { sizeLimitBytes: 10 }), record(2, 1)], {
      "pg-a": new Map([
        [1 as SiteId, 50],
        [2 as SiteId, 5000],
      ]),
    });
    expect(await check.checkSite(1 as SiteId)).toMatchObject({ sizeBytes: 50, writesStoppedAt: expect.any(Date) });
    // only the site asked for
    expect(calls).toEqual(["stop 1"]);
  });
});
