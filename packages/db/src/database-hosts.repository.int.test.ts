import { parseDatabaseHostName } from "@director/domain/database-host";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHostFields, DatabaseHostsRepository } from "./database-hosts.repository.js";

/** A sealed value's shape: the repository stores what the manager sealed and never sees the URL. */
const sealed = "v1:aXYtMTItYnl0ZXM:dGFnLTE2LWJ5dGVzLTEyMzQ:Y2lwaGVydGV4dA";

function hostFields(name: string, change: Partial<DatabaseHostFields> = {}): DatabaseHostFields {
  return {
    name: parseDatabaseHostName(name),
    kind: "postgres",
    siteHost: "172.18.0.1",
    sitePort: 5432,
    adminUrlEncrypted: sealed,
    maxDatabases: 100,
    isAccepting: true,
    ...change,
  };
}

describe.each(testBackends)("DatabaseHostsRepository on $name", (backend) => {
  let database: TestDatabase;
  let hosts: DatabaseHostsRepository;

  beforeAll(async () => {
    database = await backend.open();
    hosts = new DatabaseHostsRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("stores, lists by name, finds, changes and deletes hosts", async () => {
    const main = await hosts.create(hostFields("main-pg"));
    await hosts.create(hostFields("a-maria", { kind: "mysql", sitePort: 3306 }));
    expect(main).toMatchObject({ name: "main-pg", kind: "postgres", siteHost: "172.18.0.1", isAccepting: true });
    expect((await hosts.list()).map((host) => host.name)).toEqual(["a-maria", "main-pg"]);
    expect(await hosts.findByName("main-pg")).toEqual(main);
    expect(await hosts.findByName("nothing")).toBeNull();

    const changed = await hosts.update(main.id, hostFields("main-pg", { maxDatabases: 5, isAccepting: false }));
    expect(changed).toMatchObject({ id: main.id, maxDatabases: 5, isAccepting: false });
    expect(changed.updatedAt.getTime()).toBeGreaterThanOrEqual(main.updatedAt.getTime());

    await hosts.delete(main.id);
    await hosts.delete(main.id);
    expect(await hosts.findByName("main-pg")).toBeNull();
    await expect(hosts.update(main.id, hostFields("main-pg"))).rejects.toMatchObject({
      code: "DATABASE_HOST_NOT_FOUND",
    });
  });

  it("refuses a name in use with DATABASE_HOST_NAME_TAKEN, on create and on rename", async () => {
    await hosts.create(hostFields("taken"));
    const other = await hosts.create(hostFields("other"));
    await expect(hosts.create(hostFields("taken"))).rejects.toMatchObject({ code: "DATABASE_HOST_NAME_TAKEN" });
    await expect(hosts.update(other.id, hostFields("taken"))).rejects.toMatchObject({
      code: "DATABASE_HOST_NAME_TAKEN",
    });
  });

  it("refuses, in the database itself, an admin URL in plain text, a limit of 0 and a bad name or kind", async () => {
    const rows: Array<Partial<DatabaseHostFields>> = [
      { adminUrlEncrypted: "postgres://admin:secret@db:5432/postgres" },
      { maxDatabases: 0 },
      { sitePort: 70_000 },
      { name: "Bad_Name" as DatabaseHostFields["name"] },
      { kind: "oracle" as DatabaseHostFields["kind"] },
    ];
    for (const [index, change] of rows.entries()) {
      await expect(hosts.create(hostFields(`refused-${index}`, change))).rejects.toThrow(/check constraint/);
    }
    const { rows: left } = await sql<{ count: string }>`
      select count(*) as count from database_hosts where name like 'refused-%' or name = 'Bad_Name'`.execute(
      database.db,
    );
    expect(Number(left[0]?.count)).toBe(0);
  });
});
