/**
 * The pool's idle policy against a real PostgreSQL server: connections it opened stay open however long they sit
 * idle (pg's default closed them after 10 s, and reopening them under load stalled requests ~100 ms: bench/README.md).
 * pg's idle timer is a setTimeout, so fake timers stand for the minute of idleness.
 */
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase, type DatabaseHandle } from "./database.js";

describe("createDatabase", () => {
  let database: ServerTestDatabase;
  let db: DatabaseHandle;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    // a name of its own, to count this pool's connections apart from the test database's handle
    db = createDatabase(`${database.url}?application_name=idle-policy-test`, { maxConnections: 4 });
  });

  afterAll(async () => {
    vi.useRealTimers();
    await db?.destroy();
    await database?.drop();
  });

  const connectionsOfThisPool = async () => {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from pg_stat_activity where application_name = 'idle-policy-test'`.execute(db);
    return Number(rows[0]?.count);
  };

  it("keeps the connections it opened through a minute of idleness", async () => {
    // pg's pool starts a connection's idle timer when the connection is given back: fake from before that
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    // three at once: the pool opens three connections
    await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.2)`.execute(db)));
    expect(await connectionsOfThisPool()).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    vi.useRealTimers();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a closed one's server process takes a moment to go
    expect(await connectionsOfThisPool()).toBe(3);
  });
});
