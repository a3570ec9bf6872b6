import { generateDatabasePassword } from "@director/domain/site-database";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inMemoryEngineFactory } from "../testing/in-memory-site-databases.js";
import { testInstallationId } from "../testing/test-app.js";
import { SiteDatabases } from "./site-databases.js";

const postgres = { kind: "postgres", adminUrl: "postgres://admin:one@db:5432/postgres", connectionLimit: 10 } as const;
const mysql = { kind: "mysql", adminUrl: "mysql://root:one@db:3306", connectionLimit: 10 } as const;
const site = (id: number) => id as never;

function build(idleCloseMs?: number) {
  const engines = inMemoryEngineFactory();
  const databases = new SiteDatabases({
    installationId: testInstallationId,
    createEngine: engines.create,
    log: pino({ level: "silent" }),
    ...(idleCloseMs === undefined ? {} : { idleCloseMs }),
  });
  return { engines, databases };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("SiteDatabases", () => {
  it("names a site's database with the installation id and site id, on the host's engine", async () => {
    const { engines, databases } = build();
    const password = generateDatabasePassword();
    const identity = await databases.ensure(postgres, site(42), password);
    expect(identity).toEqual({ installationId: "test", siteId: 42, name: "dir_test_s42" });
    expect(engines.made).toHaveLength(1);
    expect(engines.made[0]?.kind).toBe("postgres");
    expect(engines.made[0]?.options).toEqual({
      adminUrl: postgres.adminUrl,
      installationId: "test",
      connectionLimit: 10,
    });
    expect(engines.made[0]?.databases.get("dir_test_s42")?.password).toBe(password);
    expect(await databases.siteIds(postgres)).toEqual([42]);
    await databases.close();
  });

  it("keeps one engine per host: same kind, admin URL and limit share it, any difference gets its own", async () => {
    const { engines, databases } = build();
    await databases.ensure(postgres, site(1), generateDatabasePassword());
    await databases.sizeBytes(postgres, site(1));
    expect(engines.made).toHaveLength(1);
    await databases.ensure(mysql, site(1), generateDatabasePassword());
    await databases.siteIds({ ...postgres, adminUrl: "postgres://admin:two@db:5432/postgres" });
    await databases.siteIds({ ...postgres, connectionLimit: 5 });
    expect(
      engines.made.map((engine) => [engine.kind, engine.options.adminUrl, engine.options.connectionLimit]),
    ).toEqual([
      ["postgres", postgres.adminUrl, 10],
      ["mysql", mysql.adminUrl, 10],
      ["postgres", "postgres://admin:two@db:5432/postgres", 10],
      ["postgres", postgres.adminUrl, 5],
    ]);
    expect(await databases.siteIds(mysql)).toEqual([1]);
    await databases.close();
    expect(engines.made.every((engine) => engine.isClosed)).toBe(true);
    expect(databases.openEngineCount).toBe(0);
  });

  it("closes a host's engine after it was idle a while, and opens a fresh one on the next call", async () => {
    vi.useFakeTimers();
    const { engines, databases } = build(60_000);
    await databases.checkHost(postgres);
    await vi.advanceTimersByTimeAsync(59_000);
    await databases.checkHost(postgres); // a use restarts the idle time
    await vi.advanceTimersByTimeAsync(59_000);
    expect(engines.made.map((engine) => engine.isClosed)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(engines.made.map((engine) => engine.isClosed)).toEqual([true]);
    expect(databases.openEngineCount).toBe(0);
    expect(await databases.checkHost(postgres)).toEqual({ kind: "postgres", serverVersion: "0.0-in-memory" });
    expect(engines.made.map((engine) => engine.isClosed)).toEqual([true, false]);
    await databases.close();
  });

  it("does not close an engine while a call on it is under way", async () => {
    vi.useFakeTimers();
    const { engines, databases } = build(1_000);
    await databases.checkHost(postgres);
    const engine = engines.made[0];
    if (engine === undefined) throw new Error("no engine");
    let finish: () => void = () => undefined;
    engine.list = () => new Promise((resolve) => (finish = () => resolve([])));
    const listing = databases.siteIds(postgres);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(engine.isClosed).toBe(false);
    finish();
    expect(await listing).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(engine.isClosed).toBe(true);
  });

  it("refuses a site id that cannot name a database, before any engine is made", async () => {
    const { engines, databases } = build();
    await expect(databases.drop(postgres, site(0))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(databases.sizeBytes(postgres, site(2 ** 31))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(engines.made).toEqual([]);
    await databases.close();
  });
});
