/**
 * `director reconcile` and site databases, against a real `director up` on a PostgreSQL server database of the test's
 * own (so that the test can lose a `site_databases` row as a restored backup would), with the machine's PostgreSQL and
 * MariaDB registered as database hosts: a database or user left on a host with no row there is reported by a dry run,
 * which changes nothing, and removed by a repair; a ready database its host lost is made again (empty) by the site's
 * repair operation, with the password it had; another installation's databases are never touched; a host whose admin
 * URL cannot be opened is a note of the report. Each repair is followed by a run that finds everything in sync.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "reconcile databases e2e password";
const postgresAdminUrl = "postgres://postgres@127.0.0.1:5432/postgres";
const hosts = [
  { name: "machine-pg", kind: "postgres", siteHost: "127.0.0.1", sitePort: 5432, adminUrl: postgresAdminUrl },
  {
    name: "machine-mariadb",
    kind: "mysql",
    siteHost: "127.0.0.1",
    sitePort: 3306,
    adminUrl: "mysql://root@127.0.0.1:3306",
  },
].map((host) => ({ ...host, maxDatabases: 10 }));

async function withPostgres<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withMariadb<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: "root" });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** What PostgreSQL's admin sees of the database and role named `name`. */
const postgresHas = (name: string) =>
  withPostgres(async (client) => ({
    database: (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1,
    role: (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount === 1,
  }));

const mariadbHas = (name: string) =>
  withMariadb(async (connection) => {
    const [databases] = await connection.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [
      name,
    ]);
    const [users] = await connection.query("SELECT 1 FROM mysql.user WHERE user = ?", [name]);
    return { database: (databases as unknown[]).length === 1, user: (users as unknown[]).length === 1 };
  });

/** Drops every database and user of the installation on the machine's PostgreSQL and MariaDB. */
async function dropInstallationDatabases(installationId: string): Promise<void> {
  const pattern = `dir\\_${installationId}\\_s%`;
  await withPostgres(async (client) => {
    const found = await client.query<{ name: string }>(
      "SELECT datname AS name FROM pg_database WHERE datname LIKE $1 UNION SELECT rolname FROM pg_roles WHERE rolname LIKE $1",
      [pattern],
    );
    for (const { name } of found.rows) {
      const quoted = client.escapeIdentifier(name);
      await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${quoted}`);
    }
  });
  await withMariadb(async (connection) => {
    const [schemas] = await connection.query(
      "SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?",
      [pattern],
    );
    const [users] = await connection.query("SELECT User AS name FROM mysql.user WHERE User LIKE ?", [pattern]);
    for (const { name } of [...(schemas as { name: string }[]), ...(users as { name: string }[])]) {
      await connection.query("DROP USER IF EXISTS ?@'%'", [name]);
      await connection.query("DROP DATABASE IF EXISTS ??", [name]);
    }
  });
}

describe("director reconcile: site databases on their hosts", () => {
  let database: ServerTestDatabase;
  let director: DirectorProcess;
  let api: ApiSession;
  let installationId: string;
  const siteIds = new Map<string, number>();

  beforeAll(async () => {
    database = await createServerTestDatabase();
    // Only the hosts this test registers: no `director up` host of its own.
    director = await DirectorProcess.create({ DATABASE_URL: database.url, DIRECTOR_LOCAL_DATABASE_HOST: "false" });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
    installationId = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8")).installationId;
    for (const host of hosts) {
      const registered = await api.request("POST", "/api/admin/database-hosts", { json: host });
      expect(registered.status, registered.text).toBe(201);
    }
    for (const name of ["notes", "shop"]) {
      const created = await api.request("POST", "/api/sites?wait=true", { json: { name } });
      expect(created.status, created.text).toBe(201);
      siteIds.set(name, created.json().site.id);
    }
  });

  afterAll(async () => {
    try {
      await director?.stop();
      await director?.removeDockerObjects();
      // What a failed test may have left on the machine's hosts (a passing run removes or deletes all of it).
      if (installationId) await dropInstallationDatabases(installationId);
    } finally {
      if (director) await rm(director.dataDir, { recursive: true, force: true });
      await database?.drop();
    }
  });

  async function reconcile(...args: string[]) {
    const result = await director.run(["reconcile", "--json", ...args]);
    expect(result.stdout, result.stderr).toMatch(/^\{/);
    return { code: result.code, report: JSON.parse(result.stdout), stderr: result.stderr };
  }

  async function expectInSync() {
    const again = await reconcile();
    expect(again.code, again.stderr).toBe(0);
    expect(again.report).toMatchObject({ isInSync: true, items: [], notes: [] });
  }

  it("finds nothing on hosts in line with the database", async () => {
    await expectInSync();
  });

  it("removes a PostgreSQL database whose row was lost, after a dry run that only reports it", async () => {
    const created = await api.request("POST", "/api/sites/notes/database?wait=true", { json: { kind: "postgres" } });
    expect(created.status, created.text).toBe(201);
    const { name } = created.json().database;
    const siteId = siteIds.get("notes");
    if (siteId === undefined) throw new Error("the site notes was not created");
    // As a restore of an older backup of Director's database would: the row is gone, the database is not.
    await database.db.deleteFrom("site_databases").where("site_id", "=", siteId).execute();
    expect(await postgresHas(name)).toEqual({ database: true, role: true });

    const dryRun = await reconcile("--dry-run");
    expect(dryRun.code, dryRun.stderr).toBe(1);
    expect(dryRun.report.items).toEqual([
      {
        site: "notes",
        siteId,
        isOrphan: false,
        drift: [
          {
            kind: "orphan_database",
            message: `The database host machine-pg keeps a database or user of site id ${siteId}, which has no database there.`,
          },
        ],
        outcome: "reported",
        operationId: null,
        message: "Dry run: nothing changed.",
      },
    ]);
    expect(await postgresHas(name)).toEqual({ database: true, role: true });

    const repaired = await reconcile();
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.report).toMatchObject({ isInSync: false, isRepaired: true });
    expect(repaired.report.items).toEqual([
      expect.objectContaining({
        site: "notes",
        outcome: "removed",
        message: "Removed the database and its user from the database host machine-pg.",
      }),
    ]);
    expect(await postgresHas(name)).toEqual({ database: false, role: false });
    await expectInSync();
  });

  it("removes a MariaDB database and user of a site that no longer exists, and never another installation's", async () => {
    const leftover = `dir_${installationId}_s4242`;
    const foreign = "dir_otherinst_s4242";
    await withMariadb(async (connection) => {
      for (const name of [leftover, foreign]) {
        await connection.query("CREATE DATABASE ??", [name]);
        await connection.query("CREATE USER ?@'%' IDENTIFIED BY 'leftover-password-1234567890'", [name]);
      }
    });
    try {
      const dryRun = await reconcile("--dry-run");
      expect(dryRun.code, dryRun.stderr).toBe(1);
      expect(dryRun.report.items).toEqual([
        expect.objectContaining({
          site: "#4242",
          siteId: 4242,
          isOrphan: true,
          outcome: "reported",
          drift: [
            expect.objectContaining({ kind: "orphan_database", message: expect.stringContaining("machine-mariadb") }),
          ],
        }),
      ]);
      expect(await mariadbHas(leftover)).toEqual({ database: true, user: true });

      const repaired = await reconcile();
      expect(repaired.code, repaired.stderr).toBe(0);
      expect(repaired.report.items).toEqual([expect.objectContaining({ site: "#4242", outcome: "removed" })]);
      expect(await mariadbHas(leftover)).toEqual({ database: false, user: false });
      expect(await mariadbHas(foreign)).toEqual({ database: true, user: true });
      await expectInSync();
    } finally {
      await withMariadb(async (connection) => {
        for (const name of [leftover, foreign]) {
          await connection.query("DROP USER IF EXISTS ?@'%'", [name]);
          await connection.query("DROP DATABASE IF EXISTS ??", [name]);
        }
      });
    }
  });

  it("makes a ready database its host lost again, empty, with the password it had", async () => {
    const created = await api.request("POST", "/api/sites/shop/database?wait=true", { json: { kind: "mysql" } });
    expect(created.status, created.text).toBe(201);
    const { name } = created.json().database;
    const { password: secret } = (await api.request("POST", "/api/sites/shop/database/password")).json();
    const connect = () =>
      mysql.createConnection({ host: "127.0.0.1", port: 3306, user: name, password: secret, database: name });
    const site = await connect();
    await site.query("CREATE TABLE orders (id int)");
    await site.end();
    await withMariadb(async (connection) => {
      await connection.query("DROP USER ?@'%'", [name]);
      await connection.query("DROP DATABASE ??", [name]);
    });

    const dryRun = await reconcile("--dry-run", "--site", "shop");
    expect(dryRun.code, dryRun.stderr).toBe(1);
    expect(dryRun.report.items).toEqual([
      expect.objectContaining({
        site: "shop",
        isOrphan: false,
        outcome: "reported",
        drift: [
          {
            kind: "missing_database",
            message: `The site's database ${name} and its user are missing on the database host machine-mariadb. The repair makes them again with the same name and password, empty: their data is not restored.`,
          },
        ],
      }),
    ]);
    expect(await mariadbHas(name)).toEqual({ database: false, user: false });

    const repaired = await reconcile();
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.report.items).toEqual([
      expect.objectContaining({ site: "shop", outcome: "repaired", operationId: expect.any(Number) }),
    ]);
    const operation = (await api.request("GET", `/api/operations/${repaired.report.items[0].operationId}`)).json();
    expect(JSON.stringify(operation)).toContain("Make the site's missing database and its user again (empty)");
    expect(await mariadbHas(name)).toEqual({ database: true, user: true });
    const again = await connect();
    try {
      const [tables] = await again.query("SHOW TABLES");
      expect(tables).toEqual([]);
    } finally {
      await again.end();
    }
    expect((await api.request("GET", "/api/sites/shop/database")).json().database.status).toBe("ready");
    await expectInSync();
  });

  it("notes a host whose admin URL cannot be opened, and goes on with the others", async () => {
    const registered = await api.request("POST", "/api/admin/database-hosts", {
      json: { ...hosts[0], name: "sealed-elsewhere" },
    });
    expect(registered.status, registered.text).toBe(201);
    // As if sealed with another DIRECTOR_SECRETS_KEY: well-formed, unreadable with this one.
    await database.db
      .updateTable("database_hosts")
      .set({ admin_url_encrypted: "v1:AAAA:BBBB:CCCC" })
      .where("name", "=", "sealed-elsewhere")
      .execute();
    const dryRun = await reconcile("--dry-run");
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.report).toMatchObject({ isInSync: true, items: [] });
    expect(dryRun.report.notes).toEqual([
      expect.stringMatching(/^The database host sealed-elsewhere was not checked: .* \(SECRET_UNREADABLE\)$/),
    ]);
    const removed = await api.request("DELETE", "/api/admin/database-hosts/sealed-elsewhere");
    expect(removed.status, removed.text).toBe(204);
    await expectInSync();
  });
});
