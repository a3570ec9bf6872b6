/**
 * The orchestrator's site database routes (contracts/orchestrator-databases.ts) through its HTTP app, on the real
 * engines: an embedded PostgreSQL with scram-sha-256, and the MariaDB server these machines run (127.0.0.1:3306, root
 * without a password; DIRECTOR_TEST_MARIADB_URL overrides it), through an admin user with a password made for the
 * run. Site users log in over TCP as a site would. The engines' own tests cover isolation in depth.
 */
import { randomBytes } from "node:crypto";
import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { parseInstallationId } from "@director/domain/installation-id";
import { generateDatabasePassword } from "@director/domain/site-database";
import { startEmbeddedTestDatabase } from "@director/testing/test-databases";
import mysql from "mysql2/promise";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSiteDatabaseEngine } from "./adapters/site-database-engines.js";
import { buildTestOrchestratorApp, callRoute } from "./testing/test-app.js";

/** One database host for the run: admin URLs (a capable one, one without rights, one nobody answers), and logins. */
interface TestHost {
  kind: "postgres" | "mysql";
  adminUrl: string;
  weakAdminUrl: string;
  unreachableUrl: string;
  /** the passwords in those URLs */
  adminSecrets: string[];
  /** what check says the weak admin lacks */
  missingRight: RegExp;
  /** Logs in as `user` to `database` and runs a query: true, or false when the host refuses. */
  canLogin(user: string, password: string, database: string): Promise<boolean>;
  /** Removes what the run made on the host that the routes did not (the admin users, any leftover of the run). */
  stop(namePrefix: string): Promise<void>;
}

const secret = () => randomBytes(12).toString("hex");

async function startPostgres(): Promise<TestHost> {
  const server = await startEmbeddedTestDatabase();
  const url = new URL(server.url);
  url.pathname = "/postgres";
  const port = Number(url.port);
  const weakName = `weak_${secret()}`;
  const weakPassword = secret();
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  // Only hex in these names and passwords, so spliced in safely.
  await admin.query(`create role ${weakName} login nosuperuser nocreaterole nocreatedb password '${weakPassword}'`);
  await admin.end();
  const unreachableSecret = secret();
  return {
    kind: "postgres",
    adminUrl: url.toString(),
    weakAdminUrl: `postgres://${weakName}:${weakPassword}@127.0.0.1:${port}/postgres`,
    unreachableUrl: `postgres://postgres:${unreachableSecret}@127.0.0.1:1/postgres`,
    adminSecrets: [decodeURIComponent(url.password), weakPassword, unreachableSecret],
    missingRight: /lacks CREATEROLE, CREATEDB, membership of pg_signal_backend, membership of pg_read_all_stats/,
    canLogin: async (user, password, database) => {
      const client = new pg.Client({ host: "127.0.0.1", port, user, password, database });
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.query("select 1");
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    // The whole server goes, with every role and database of the run.
    stop: () => server.stop(),
  };
}

async function startMariadb(): Promise<TestHost> {
  const rootUrl = process.env.DIRECTOR_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";
  const { hostname, port } = new URL(rootUrl);
  const adminName = `dadm_${secret()}`;
  const weakName = `dweak_${secret()}`;
  const adminPassword = secret();
  const weakPassword = secret();
  const root = await mysql.createConnection({ uri: rootUrl });
  await root.query("CREATE USER ?@'%' IDENTIFIED BY ?", [adminName, adminPassword]);
  await root.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [adminName]);
  await root.query("CREATE USER ?@'%' IDENTIFIED BY ?", [weakName, weakPassword]);
  await root.query("GRANT SELECT ON *.* TO ?@'%'", [weakName]);
  const unreachableSecret = secret();
  const at = `${hostname}:${port || 3306}`;
  return {
    kind: "mysql",
    adminUrl: `mysql://${adminName}:${adminPassword}@${at}`,
    weakAdminUrl: `mysql://${weakName}:${weakPassword}@${at}`,
    unreachableUrl: `mysql://root:${unreachableSecret}@127.0.0.1:1`,
    adminSecrets: [adminPassword, weakPassword, unreachableSecret],
    missingRight: /lacks CREATE USER, CREATE, DROP, PROCESS, CONNECTION ADMIN \(or SUPER\), GRANT OPTION/,
    canLogin: async (user, password, database) => {
      try {
        const client = await mysql.createConnection({
          host: hostname,
          port: Number(port || 3306),
          user,
          password,
          database,
        });
        await client.query("select 1");
        await client.end();
        return true;
      } catch {
        return false;
      }
    },
    stop: async (namePrefix) => {
      const like = `${namePrefix.replaceAll("_", "\\_")}%`;
      const [users] = await root.query<mysql.RowDataPacket[]>("select User as name from mysql.user where User like ?", [
        like,
      ]);
      for (const name of [adminName, weakName, ...users.map((row) => String(row.name))]) {
        await root.query("DROP USER IF EXISTS ?@'%'", [name]);
      }
      const [schemas] = await root.query<mysql.RowDataPacket[]>(
        "select schema_name as name from information_schema.schemata where schema_name like ?",
        [like],
      );
      for (const { name } of schemas) await root.query("DROP DATABASE IF EXISTS ??", [String(name)]);
      await root.end();
    },
  };
}

describe.each([
  { name: "an embedded PostgreSQL (scram-sha-256)", start: startPostgres },
  { name: "the MariaDB server", start: startMariadb },
])("the site database routes on $name", ({ start }) => {
  // A random installation per run: names never meet another run's or anything else on the server.
  const installationId = parseInstallationId(`t${randomBytes(6).toString("hex")}`);
  const nameOf = (siteId: number) => `dir_${installationId}_s${siteId}`;
  const logLines: string[] = [];
  const passwordA = generateDatabasePassword();
  const passwordB = generateDatabasePassword();
  const rotatedA = generateDatabasePassword();
  const sitePasswords = [passwordA, passwordB, rotatedA];
  let host: TestHost;
  let orchestrator: ReturnType<typeof buildTestOrchestratorApp>;
  let body: { kind: string; adminUrl: string; connectionLimit: number };

  beforeAll(async () => {
    host = await start();
    body = { kind: host.kind, adminUrl: host.adminUrl, connectionLimit: 5 };
    // Everything the app logs, at every level, to look for secrets in.
    const log = pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });
    orchestrator = buildTestOrchestratorApp({
      databaseEngines: { create: createSiteDatabaseEngine, installationId },
      log,
    });
  });

  afterAll(async () => {
    await orchestrator?.app.close();
    await host?.stop(`dir_${installationId}_`);
  });

  const ensure = (siteId: number, password: string) =>
    callRoute(orchestrator.app, api.ensureSiteDatabase, { params: { id: siteId }, body: { host: body, password } });

  it("ensure makes a database its user logs into, and answers the same when called again", async () => {
    const first = await ensure(11, passwordA);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ name: nameOf(11), username: nameOf(11) });
    const again = await ensure(11, passwordA);
    expect([again.statusCode, again.json()]).toEqual([200, first.json()]);
    expect((await ensure(12, passwordB)).statusCode).toBe(200);
    expect(await host.canLogin(nameOf(11), passwordA, nameOf(11))).toBe(true);
    expect(await host.canLogin(nameOf(12), passwordB, nameOf(12))).toBe(true);
    // Isolated: a site's user cannot open another site's database.
    expect(await host.canLogin(nameOf(11), passwordA, nameOf(12))).toBe(false);
  });

  it("rotates the password: the old one stops working, the new one works", async () => {
    const rotated = await callRoute(orchestrator.app, api.rotateSiteDatabasePassword, {
      params: { id: 11 },
      body: { host: body, password: rotatedA },
    });
    expect(rotated.statusCode, rotated.body).toBe(204);
    expect(await host.canLogin(nameOf(11), passwordA, nameOf(11))).toBe(false);
    expect(await host.canLogin(nameOf(11), rotatedA, nameOf(11))).toBe(true);
  });

  it("answers a database's size, and 404 for a site without one", async () => {
    const size = await callRoute(orchestrator.app, api.siteDatabaseSize, { params: { id: 11 }, body: { host: body } });
    expect(size.statusCode, size.body).toBe(200);
    const { bytes } = size.json() as { bytes: number };
    // MariaDB counts tables only (none yet); PostgreSQL's catalog takes some megabytes.
    expect(bytes).toBeGreaterThanOrEqual(host.kind === "postgres" ? 1024 * 1024 : 0);
    const none = await callRoute(orchestrator.app, api.siteDatabaseSize, { params: { id: 13 }, body: { host: body } });
    expect([none.statusCode, none.json().error.code]).toEqual([404, "SITE_DATABASE_NOT_FOUND"]);
  });

  it("lists exactly the sites it made databases for", async () => {
    const listed = await callRoute(orchestrator.app, api.databaseHostInventory, { body: { host: body } });
    expect([listed.statusCode, listed.json()]).toEqual([200, { siteIds: [11, 12] }]);
  });

  it("refuses a bad body with 400 and a request without the token with 401, doing nothing", async () => {
    const bad = [
      { host: { ...body, kind: "oracle" }, password: passwordA },
      { host: { ...body, adminUrl: host.adminUrl.replace(/^[a-z]+:/, "http:") }, password: passwordA },
      { host: body, password: "not-a-generated-password" },
    ];
    for (const each of bad) {
      const response = await callRoute(orchestrator.app, api.ensureSiteDatabase, { params: { id: 14 }, body: each });
      expect([response.statusCode, response.json().error.code]).toEqual([400, "VALIDATION_FAILED"]);
    }
    const anonymous = await callRoute(orchestrator.app, api.ensureSiteDatabase, {
      params: { id: 14 },
      body: { host: body, password: passwordA },
      headers: {},
    });
    expect(anonymous.statusCode).toBe(401);
    const listed = await callRoute(orchestrator.app, api.databaseHostInventory, { body: { host: body } });
    expect(listed.json()).toEqual({ siteIds: [11, 12] });
  });

  it("check answers the server's version for a capable admin", async () => {
    const checked = await callRoute(orchestrator.app, api.checkDatabaseHost, { body: { host: body } });
    expect(checked.statusCode, checked.body).toBe(200);
    expect(checked.json()).toEqual({ kind: host.kind, serverVersion: expect.stringMatching(/^\d+\.\d+/) });
  });

  it("check refuses an admin without the rights with DATABASE_HOST_REJECTED naming what it lacks", async () => {
    const checked = await callRoute(orchestrator.app, api.checkDatabaseHost, {
      body: { host: { ...body, adminUrl: host.weakAdminUrl } },
    });
    expect([checked.statusCode, checked.json().error.code]).toEqual([502, "DATABASE_HOST_REJECTED"]);
    expect(checked.json().error.message).toMatch(host.missingRight);
  });

  it("check answers 503 DATABASE_HOST_UNAVAILABLE for a host nobody answers on", async () => {
    const checked = await callRoute(orchestrator.app, api.checkDatabaseHost, {
      body: { host: { ...body, adminUrl: host.unreachableUrl } },
    });
    expect([checked.statusCode, checked.json().error.code]).toEqual([503, "DATABASE_HOST_UNAVAILABLE"]);
  });

  it("runs a SQL console statement as the site's own user, and answers its failures as 4xx", async () => {
    const query = (siteId: number, password: string, statement: string, limits: { timeoutMs?: number } = {}) =>
      callRoute(orchestrator.app, api.runSiteStatement, {
        params: { id: siteId },
        body: { host: body, password, statement, ...limits },
      });
    expect((await query(12, passwordB, "create table notes (body varchar(20))")).statusCode).toBe(200);
    const inserted = await query(12, passwordB, "insert into notes values ('hello')");
    expect([inserted.statusCode, inserted.json()]).toEqual([200, expect.objectContaining({ rowCount: 1 })]);
    const who = host.kind === "postgres" ? "current_user" : "substring_index(current_user(), '@', 1)";
    const read = await query(12, passwordB, `select body, ${who} as who from notes`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ command: "SELECT", rows: [["hello", nameOf(12)]], truncated: false });
    const failed = await query(12, passwordB, "select * from nowhere");
    expect([failed.statusCode, failed.json().error.code]).toEqual([422, "SQL_STATEMENT_FAILED"]);
    const sleep = host.kind === "postgres" ? "select pg_sleep(5)" : "select sleep(5)";
    const timedOut = await query(12, passwordB, sleep, { timeoutMs: 500 });
    expect([timedOut.statusCode, timedOut.json().error.code]).toEqual([422, "SQL_STATEMENT_TIMEOUT"]);
    const refused = await query(12, passwordA, "select 1");
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, "SITE_DATABASE_LOGIN_REFUSED"]);
    const missing = await query(13, passwordA, "select 1");
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, "SITE_DATABASE_NOT_FOUND"]);
  });

  it("removes a site's database and user, twice over, and the host lists none", async () => {
    for (const siteId of [11, 11, 12]) {
      const removed = await callRoute(orchestrator.app, api.removeSiteDatabase, {
        params: { id: siteId },
        body: { host: body },
      });
      expect(removed.statusCode, removed.body).toBe(204);
    }
    expect(await host.canLogin(nameOf(11), rotatedA, nameOf(11))).toBe(false);
    const listed = await callRoute(orchestrator.app, api.databaseHostInventory, { body: { host: body } });
    expect(listed.json()).toEqual({ siteIds: [] });
  });

  it("never logs an admin URL's password or a site's password", async () => {
    const logged = logLines.join("");
    // The refusals above were logged (a 502 and a 503 with their causes), so there is something to look in.
    expect(logged).toMatch(/DATABASE_HOST_REJECTED/);
    expect(logged).toMatch(/DATABASE_HOST_UNAVAILABLE/);
    for (const secretText of [...host.adminSecrets, ...sitePasswords]) {
      expect(logged).not.toContain(secretText);
    }
  });
});
