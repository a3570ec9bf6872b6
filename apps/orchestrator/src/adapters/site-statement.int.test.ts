/**
 * The SQL console (`runStatement`) of both engines against real servers: an embedded PostgreSQL with scram-sha-256,
 * the developers' PostgreSQL 15 (trust: no password is checked there, every right is), and the MariaDB server
 * (127.0.0.1:3306, root without a password; DIRECTOR_TEST_MARIADB_URL overrides it). Each statement runs as the site's
 * own user, as the console runs it; the admin connection here only looks at what the statement left behind.
 */
import { randomBytes } from "node:crypto";
import { parseInstallationId } from "@director/domain/installation-id";
import { parseSiteId } from "@director/domain/site";
import {
  type DatabasePassword,
  generateDatabasePassword,
  type SiteDatabaseIdentity,
  siteDatabaseIdentity,
} from "@director/domain/site-database";
import { type SqlStatementResult, sqlValueMaxChars } from "@director/domain/sql-console";
import { startEmbeddedTestDatabase } from "@director/testing/test-databases";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SiteDatabaseEngine } from "../core/site-database-engine.js";
import { MariadbSiteDatabases } from "./mariadb-site-databases.js";
import { PostgresSiteDatabases } from "./postgres-site-databases.js";

const mariadbUrl = process.env.DIRECTOR_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";

/** One database host of the run, with what differs between the engines. */
interface TestHost {
  adminUrl: string;
  /** the site user's sessions still open on the host */
  sessionsOf(name: string): Promise<number>;
  stop(): Promise<void>;
}

async function postgresHost(adminUrl: string, stop: () => Promise<void>): Promise<TestHost> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  return {
    adminUrl,
    sessionsOf: async (name) =>
      (await admin.query("select 1 from pg_stat_activity where usename = $1", [name])).rowCount ?? 0,
    stop: async () => {
      await admin.end();
      await stop();
    },
  };
}

const postgres = {
  kind: "postgres",
  make: (options: ConstructorParameters<typeof PostgresSiteDatabases>[0]) => new PostgresSiteDatabases(options),
  sleep: "select pg_sleep(30)",
  /** the same sleep, after the site's role tried to lift the time limit for all its sessions */
  escapes: ["alter role current_user set statement_timeout = 0", "select pg_sleep(30)"],
  missingTable: { sqlState: "42P01" },
  manyRows: "select g from generate_series(1, 10000000) g",
  tenRows: "select g from generate_series(1, 10) g",
  longValue: "select repeat('é', 20000) as long",
  values: {
    statement: `select 1 as n, 'é'::text as t, null as z, '\\xdeadbeef'::bytea as b, '{1,2}'::int[] as a,
                '{"a": 1}'::jsonb as j, '2024-01-02 03:04:05'::timestamp as d, 1.5::numeric(5,2) as m`,
    columns: ["integer", "text", "text", "bytea", "integer[]", "jsonb", "timestamp without time zone", "numeric(5,2)"],
    row: ["1", "é", null, "\\xdeadbeef", "{1,2}", '{"a": 1}', "2024-01-02 03:04:05", "1.50"],
  },
  refused: [
    "select rolpassword from pg_authid",
    "copy (select 1) to program 'id'",
    "copy notes from program 'id'",
    "copy notes from '/etc/passwd'",
    "select pg_read_file('/etc/passwd')",
    "select lo_import('/etc/passwd')",
  ],
  /** nothing of these reads a server file: the file functions answer NULL without the right */
  nullReads: [],
  /** PostgreSQL cannot open a transaction and write in one statement: the open transaction is an empty one */
  openTransaction: "begin",
  starts: [
    {
      name: "an embedded PostgreSQL (scram-sha-256)",
      checksPasswords: true,
      start: async () => {
        const server = await startEmbeddedTestDatabase();
        const url = new URL(server.url);
        url.pathname = "/postgres";
        return postgresHost(url.toString(), server.stop);
      },
    },
    {
      name: "the PostgreSQL server (trust)",
      checksPasswords: false,
      start: () =>
        postgresHost(
          process.env.DIRECTOR_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
          async () => undefined,
        ),
    },
  ],
} as const;

const mariadb = {
  kind: "mysql",
  make: (options: ConstructorParameters<typeof MariadbSiteDatabases>[0]) => new MariadbSiteDatabases(options),
  sleep: "SELECT SLEEP(30)",
  escapes: ["SET STATEMENT max_statement_time = 0 FOR SELECT SLEEP(30)"],
  missingTable: { errno: 1146, sqlState: "42S02" },
  manyRows: "select 1 from information_schema.columns a, information_schema.columns b, information_schema.columns c",
  tenRows:
    "select seq from (select 1 seq union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7 union all select 8 union all select 9 union all select 10) s",
  longValue: "select repeat('é', 20000) as `long`",
  values: {
    statement: `select 1 as n, 'é' as t, null as z, x'deadbeef' as b, cast('2024-01-02 03:04:05' as datetime) as d,
                cast(1.5 as decimal(5,2)) as m, b'101' as bits, json_object('a', 1) as j`,
    columns: ["int", "varchar", "null", "varbinary", "datetime", "decimal", "varbinary", "varchar"],
    row: ["1", "é", null, "0xdeadbeef", "2024-01-02 03:04:05", "1.50", "0x05", '{"a": 1}'],
  },
  refused: [
    "select authentication_string from mysql.user",
    "select * from mysql.global_priv",
    "LOAD DATA INFILE '/etc/passwd' INTO TABLE notes",
    "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE notes",
    "SELECT 1 INTO OUTFILE '/tmp/director-console-escape'",
    "SELECT 1 INTO DUMPFILE '/tmp/director-console-escape'",
  ],
  /** LOAD_FILE answers NULL to a user without the FILE privilege */
  nullReads: ["select load_file('/etc/passwd')"],
  openTransaction: "BEGIN NOT ATOMIC START TRANSACTION; INSERT INTO notes VALUES (99); END",
  starts: [
    {
      name: "the MariaDB server",
      checksPasswords: true,
      start: async (): Promise<TestHost> => {
        const admin = await mysql.createConnection({ uri: mariadbUrl });
        return {
          adminUrl: mariadbUrl,
          sessionsOf: async (name) => {
            const [rows] = await admin.query<mysql.RowDataPacket[]>(
              "select id from information_schema.processlist where user = ?",
              [name],
            );
            return rows.length;
          },
          stop: () => admin.end(),
        };
      },
    },
  ],
} as const;

const backends = [
  ...postgres.starts.map((start) => ({ ...postgres, ...start })),
  ...mariadb.starts.map((start) => ({ ...mariadb, ...start })),
];

describe.each(backends)("the SQL console on $name", (backend) => {
  const installationId = parseInstallationId(`t${randomBytes(6).toString("hex")}`);
  const site = (id: number) => siteDatabaseIdentity(installationId, parseSiteId(id));
  const a = site(1);
  const b = site(2);
  const passwordA = generateDatabasePassword();
  const passwordB = generateDatabasePassword();
  let host: TestHost;
  let engine: SiteDatabaseEngine;

  const run = (
    statement: string,
    options: { timeoutMs?: number; maxRows?: number } = {},
    as = a,
    password = passwordA,
  ) =>
    engine.runStatement(as, password, {
      statement,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRows: options.maxRows ?? 500,
    });

  /** The site user's sessions end with each call; the host may take a moment to see a closed one go. */
  async function expectNoSessionLeft(identity: SiteDatabaseIdentity) {
    await expect.poll(() => host.sessionsOf(identity.name), { timeout: 3_000, interval: 50 }).toBe(0);
  }

  beforeAll(async () => {
    host = await backend.start();
    engine = backend.make({ adminUrl: host.adminUrl, installationId, connectionLimit: 5 });
    await engine.ensure(a, passwordA);
    await engine.ensure(b, passwordB);
    await run("create table notes (n int)");
    await run("insert into notes values (1)");
  });

  afterAll(async () => {
    const results = [];
    for (const leftover of (await engine?.list()) ?? [])
      results.push(...(await Promise.allSettled([engine.drop(leftover)])));
    await engine?.close();
    await host?.stop();
    for (const result of results) if (result.status === "rejected") throw result.reason;
  });

  it("answers a statement's values as text, each column with its type", async () => {
    const answer = await run(backend.values.statement);
    expect(answer).toMatchObject({ command: "SELECT", rows: [backend.values.row], rowCount: 1, truncated: false });
    expect(answer.columns.map((column) => column.name)).toEqual([
      "n",
      "t",
      "z",
      "b",
      ...answer.columns.slice(4).map((c) => c.name),
    ]);
    expect(answer.columns.map((column) => column.type)).toEqual(backend.values.columns);
    expect(answer.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("answers what a change did: its command and the rows it affected", async () => {
    expect(await run("create table changes (n int)")).toMatchObject({ command: "CREATE", columns: [], rows: [] });
    expect(await run("insert into changes values (1), (2), (3)")).toMatchObject({ command: "INSERT", rowCount: 3 });
    expect(await run("update changes set n = n + 1 where n > 1")).toMatchObject({ command: "UPDATE", rowCount: 2 });
    expect(await run("select n from changes order by n")).toMatchObject({ rows: [["1"], ["3"], ["4"]], rowCount: 3 });
  });

  it("answers at most maxRows rows and says there were more, without reading them all", async () => {
    const started = Date.now();
    const answer = await run(backend.manyRows, { maxRows: 5 });
    expect(answer).toMatchObject({ truncated: true, rowCount: 5 });
    expect(answer.rows).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(3_000); // ten million rows (or billions) would take far longer
    expect(await run(backend.tenRows, { maxRows: 10 })).toMatchObject({ truncated: false, rowCount: 10 });
    expect((await run(backend.tenRows, { maxRows: 9 })).truncated).toBe(true);
    await expectNoSessionLeft(a);
  });

  it("cuts a value longer than the limit and says which", async () => {
    const answer = await run(backend.longValue);
    expect(answer.rows[0]?.[0]).toBe("é".repeat(sqlValueMaxChars));
    expect(answer.truncatedValues).toEqual([[0, 0]]);
  });

  it("refuses two statements in one, and runs neither", async () => {
    await expect(run("select 1; drop table notes")).rejects.toMatchObject({ code: "SQL_STATEMENT_FAILED" });
    await expect(run("insert into notes values (2); drop table notes")).rejects.toMatchObject({
      code: "SQL_STATEMENT_FAILED",
    });
    expect((await run("select n from notes")).rows).toEqual([["1"]]);
  });

  it("answers a failing statement in the engine's own words, with its codes", async () => {
    const failure = await run("select * from missing_table").catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: "SQL_STATEMENT_FAILED",
      message: expect.stringMatching(/missing_table/),
      details: { engine: backend.kind, ...backend.missingTable },
    });
  });

  it("stops a statement at its time limit, on the host too", async () => {
    const started = Date.now();
    await expect(run(backend.sleep, { timeoutMs: 1000 })).rejects.toMatchObject({
      code: "SQL_STATEMENT_TIMEOUT",
      details: { timeoutMs: 1000 },
    });
    expect(Date.now() - started).toBeLessThan(1_450); // the host stopped it, not the guard (1.5 s)
    await expectNoSessionLeft(a);
  });

  it("stops a statement that lifted its own time limit, and ends its session on the host", async () => {
    const statements = [...backend.escapes];
    const last = statements.pop() ?? "";
    for (const statement of statements) await run(statement);
    const started = Date.now();
    await expect(run(last, { timeoutMs: 1000 })).rejects.toMatchObject({ code: "SQL_STATEMENT_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expectNoSessionLeft(a);
  });

  it("keeps the password catalogue, server files and programs out of reach", async () => {
    for (const statement of backend.refused) {
      await expect(run(statement), statement).rejects.toMatchObject({ code: "SQL_STATEMENT_FAILED" });
    }
    for (const statement of backend.nullReads) expect((await run(statement)).rows, statement).toEqual([[null]]);
    expect((await run("select n from notes")).rows).toEqual([["1"]]);
  });

  it("rolls back a transaction the statement left open when the call ends", async () => {
    await run(backend.openTransaction);
    await expectNoSessionLeft(a);
    expect((await run("select n from notes order by n")).rows).toEqual([["1"]]);
  });

  it("keeps each site in its own database: another site's table is not there", async () => {
    await run("create table secrets (s text)", {}, b, passwordB);
    await expect(run("select * from secrets")).rejects.toMatchObject({ code: "SQL_STATEMENT_FAILED" });
    await expect(run(`select * from ${b.name}.secrets`)).rejects.toMatchObject({ code: "SQL_STATEMENT_FAILED" });
  });

  // A password means something only on a host that checks them (trust ignores them): the test is registered there only.
  const itWherePasswordsCount = backend.checksPasswords ? it : ((() => undefined) as unknown as typeof it);

  itWherePasswordsCount("refuses site A's password for site B's database", async () => {
    await expect(run("select 1", {}, b, passwordA)).rejects.toMatchObject({ code: "SITE_DATABASE_LOGIN_REFUSED" });
    await expect(run("select 1", {}, a, passwordB)).rejects.toMatchObject({ code: "SITE_DATABASE_LOGIN_REFUSED" });
  });

  it("says a site's database that is not there is not found", async () => {
    const gone = site(3);
    const password: DatabasePassword = generateDatabasePassword();
    await engine.ensure(gone, password);
    await engine.drop(gone);
    await expect(run("select 1", {}, gone, password)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
  });

  it("reports a host it cannot reach as DATABASE_HOST_UNAVAILABLE", async () => {
    const url = new URL(host.adminUrl);
    url.port = "1";
    const unreachable = backend.make({ adminUrl: url.toString(), installationId, connectionLimit: 5 });
    const failure: unknown = await unreachable
      .runStatement(a, passwordA, { statement: "select 1", timeoutMs: 1000, maxRows: 1 })
      .then(
        (answer: SqlStatementResult) => answer,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: "DATABASE_HOST_UNAVAILABLE" });
    await unreachable.close();
  });
});
