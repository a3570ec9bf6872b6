import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "./database.js";
import { migrateToLatest } from "./migrate.js";

describe.each(testBackends)("migrateToLatest on $name", (backend) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await backend.open(); // already migrated once
  });
  afterAll(async () => {
    await database?.close();
  });

  it("is a no-op the second time", async () => {
    const log = {
      messages: [] as string[],
      info: (_details: Record<string, unknown>, message: string) => log.messages.push(message),
    };
    expect(await migrateToLatest(database.db, log)).toEqual([]);
    expect(log.messages).toEqual([]);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    expect(applied.rows).toEqual([
      { name: "0001-initial" },
      { name: "0002-site-resource-limits" },
      { name: "0003-images" },
      { name: "0004-user-identity" },
      { name: "0005-site-requests" },
      { name: "0006-audit-search" },
      { name: "0007-site-admin-comment" },
      { name: "0008-mail-outbox" },
      { name: "0009-guidelines-version" },
      { name: "0010-site-revision" },
      { name: "0011-site-domains" },
      { name: "0012-site-list" },
      { name: "0013-ssh-keys" },
      { name: "0014-session-kind" },
      { name: "0015-database-hosts" },
      { name: "0016-site-databases" },
      { name: "0017-site-database-sizes" },
      { name: "0018-site-traffic" },
      { name: "0019-site-resources" },
      { name: "0020-usage-alerts" },
      { name: "0021-site-disk" },
      { name: "0022-site-variables" },
      { name: "0023-courses" },
      { name: "0024-site-former-names" },
      { name: "0025-operation-outbox" },
    ]);
  });
});

describe("migrateToLatest failures", () => {
  it("reports an unreachable database as DATABASE_UNAVAILABLE", async () => {
    const db = createDatabase("postgres://postgres@127.0.0.1:1/none", { maxConnections: 1 });
    try {
      await expect(migrateToLatest(db)).rejects.toMatchObject({ code: "DATABASE_UNAVAILABLE" });
    } finally {
      await db.destroy();
    }
  });
});
