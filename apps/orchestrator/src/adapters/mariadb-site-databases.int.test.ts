/**
 * MariadbSiteDatabases against the MariaDB server these machines run (127.0.0.1:3306, root without a password;
 * DIRECTOR_TEST_MARIADB_URL overrides it). Site users connect over TCP as a site would, with their passwords.
 */
import { randomBytes } from "node:crypto";
import { parseInstallationId } from "@director/domain/installation-id";
import { parseSiteId } from "@director/domain/site";
import {
  generateDatabasePassword,
  type SiteDatabaseIdentity,
  siteDatabaseIdentity,
} from "@director/domain/site-database";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MariadbSiteDatabases } from "./mariadb-site-databases.js";

const adminUrl = process.env.DIRECTOR_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";
/** MariaDB's "access denied" family: to a database (1044), for a user (1045), to a table (1142), a privilege (1227). */
const accessDenied = [1044, 1045, 1142, 1227];

describe("MariadbSiteDatabases", () => {
  const installationId = parseInstallationId(`t${randomBytes(6).toString("hex")}`);
  const otherInstallation = parseInstallationId(`u${randomBytes(6).toString("hex")}`);
  const site = (id: number) => siteDatabaseIdentity(installationId, parseSiteId(id));
  const a = site(1);
  const b = site(2);
  const passwordA = generateDatabasePassword();
  const passwordB = generateDatabasePassword();
  const hostOf = new URL(adminUrl);
  let engine: MariadbSiteDatabases;
  let admin: Connection;

  /** A connection as `identity`'s user to `database` (its own by default), as a site would open it. */
  function connectAs(identity: SiteDatabaseIdentity, password: string, database: string = identity.name) {
    return mysql.createConnection({
      host: hostOf.hostname,
      port: Number(hostOf.port || 3306),
      user: identity.name,
      password,
      database,
    });
  }

  async function asSite<T>(identity: SiteDatabaseIdentity, password: string, work: (client: Connection) => Promise<T>) {
    const client = await connectAs(identity, password);
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function rows(connection: Connection, query: string, values: unknown[] = []) {
    const [result] = await connection.query<RowDataPacket[]>(query, values);
    return result.map((row) => ({ ...row }));
  }

  /** What `ensure` promises: no global privilege, all privileges on its own schema only, no GRANT OPTION, no role. */
  async function expectIsolated(identity: SiteDatabaseIdentity) {
    const grantee = `'${identity.name}'@'%'`;
    expect(
      await rows(admin, "select privilege_type from information_schema.user_privileges where grantee = ?", [grantee]),
    ).toEqual([{ privilege_type: "USAGE" }]);
    const schemaGrants = await rows(
      admin,
      "select distinct table_schema, is_grantable from information_schema.schema_privileges where grantee = ?",
      [grantee],
    );
    expect(schemaGrants).toEqual([{ table_schema: identity.name.replaceAll("_", "\\_"), is_grantable: "NO" }]);
    for (const table of ["table_privileges", "column_privileges"]) {
      expect(await rows(admin, `select 1 from information_schema.${table} where grantee = ?`, [grantee])).toEqual([]);
    }
    expect(await rows(admin, "select 1 from mysql.roles_mapping where User = ?", [identity.name])).toEqual([]);
    expect(
      await rows(admin, "select max_user_connections as n from mysql.user where User = ? and Host = '%'", [
        identity.name,
      ]),
    ).toEqual([{ n: 5 }]);
  }

  async function expectDenied(work: Promise<unknown>, statement: string) {
    const error = await work.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error, statement).toMatchObject({ errno: expect.toBeOneOf(accessDenied) });
  }

  beforeAll(async () => {
    engine = new MariadbSiteDatabases({ adminUrl, installationId, connectionLimit: 5 });
    admin = await mysql.createConnection(adminUrl);
    await engine.ensure(a, passwordA);
    await engine.ensure(b, passwordB);
  });

  afterAll(async () => {
    // Everything is removed even when one step fails (a broken engine must not leave the shared server dirty).
    const results: PromiseSettledResult<unknown>[] = await Promise.allSettled([
      admin?.query("DROP USER IF EXISTS 'intruder'@'%'"),
      admin?.query("DROP USER IF EXISTS ?@'%'", [`dir_${otherInstallation}_s1`]),
      admin?.query("DROP ROLE IF EXISTS ??", [`${installationId}_role`]),
      admin?.query("DROP DATABASE IF EXISTS ??", [`${b.name}_copy`]),
      admin?.query("DROP DATABASE IF EXISTS ??", [a.name.replaceAll("_", "x")]),
    ]);
    for (const leftover of (await engine?.list()) ?? [])
      results.push(...(await Promise.allSettled([engine.drop(leftover)])));
    await admin?.end();
    await engine?.close();
    for (const result of results) if (result.status === "rejected") throw result.reason;
  });

  it("makes a user with all privileges on its own schema and nothing more, the same again on a second run", async () => {
    await expectIsolated(a);
    await engine.ensure(a, passwordA);
    await expectIsolated(a);
  });

  it("finishes the job after a failure half-way, taking back what a half-made user was given", async () => {
    const userOnly = site(3);
    const databaseOnly = site(4);
    const password = generateDatabasePassword();
    const role = `${installationId}_role`;
    // As if an earlier run (or someone else) left a user with too much, and no database…
    await admin.query("CREATE USER ?@'%' IDENTIFIED BY 'old-password'", [userOnly.name]);
    await admin.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [userOnly.name]);
    await admin.query("GRANT SELECT ON mysql.* TO ?@'%'", [userOnly.name]);
    await admin.query("CREATE ROLE ??", [role]);
    await admin.query("GRANT ?? TO ?@'%'", [role, userOnly.name]);
    // …or a schema and no user.
    await admin.query("CREATE DATABASE ??", [databaseOnly.name]);
    for (const identity of [userOnly, databaseOnly]) {
      await engine.ensure(identity, password);
      await expectIsolated(identity);
      await asSite(identity, password, (client) => client.query("CREATE TABLE t (n INT)"));
    }
    await admin.query("DROP ROLE ??", [role]);
  });

  it("lets a site's user work in its own schema, and shows it no other", async () => {
    const found = await asSite(a, passwordA, async (client) => {
      await client.query("CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body TEXT)");
      await client.query("INSERT INTO notes (body) VALUES (?)", ["hello"]);
      return {
        notes: await rows(client, "SELECT body FROM notes"),
        schemas: await rows(client, "SHOW DATABASES"),
      };
    });
    expect(found.notes).toEqual([{ body: "hello" }]);
    expect(found.schemas.map((row) => row.Database).sort()).toEqual([a.name, "information_schema"]);
  });

  it("refuses a site's user the other site's schema", async () => {
    await expectDenied(connectAs(a, passwordA, b.name), "connect to b");
    await asSite(b, passwordB, (client) => client.query("CREATE TABLE secrets (s TEXT)"));
    await asSite(a, passwordA, async (client) => {
      await expectDenied(client.query(`SELECT * FROM ${mysql.escapeId(b.name)}.secrets`), "select from b");
      await expectDenied(client.query(`USE ${mysql.escapeId(b.name)}`), "use b");
    });
  });

  it("refuses a user its own schema with another password", async () => {
    await expectDenied(connectAs(a, passwordB), "a with b's password");
  });

  it("keeps server files and the user catalogue out of a site's reach", async () => {
    await asSite(a, passwordA, async (client) => {
      await client.query("CREATE TABLE loot (line TEXT)");
      expect(await rows(client, "SELECT LOAD_FILE('/etc/passwd') AS content")).toEqual([{ content: null }]);
      for (const statement of [
        "LOAD DATA INFILE '/etc/passwd' INTO TABLE loot",
        "SELECT 'x' INTO OUTFILE '/tmp/director-escape'",
        "SELECT 'x' INTO DUMPFILE '/tmp/director-escape'",
        "SELECT User, Password FROM mysql.user",
        "SELECT * FROM mysql.global_priv",
      ]) {
        await expectDenied(client.query(statement), statement);
      }
      expect(await rows(client, "SELECT COUNT(*) AS n FROM loot")).toEqual([{ n: 0 }]);
    });
  });

  it("runs a dump crafted to escalate without effect: every statement fails and nothing changed", async () => {
    const copy = mysql.escapeId(`${b.name}_copy`);
    const dump = [
      "CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'",
      `CREATE DATABASE ${copy}`,
      // `_` is a wildcard in a GRANT's schema name: an unescaped grant would let A create this one
      `CREATE DATABASE ${mysql.escapeId(a.name.replaceAll("_", "x"))}`,
      `GRANT ALL PRIVILEGES ON ${mysql.escapeId(b.name)}.* TO '${a.name}'@'%'`,
      `GRANT ALL PRIVILEGES ON *.* TO '${a.name}'@'%'`,
      `GRANT FILE ON *.* TO '${a.name}'@'%'`,
      `GRANT ALL PRIVILEGES ON ${mysql.escapeId(a.name)}.* TO '${a.name}'@'%' WITH GRANT OPTION`,
      `UPDATE mysql.global_priv SET Priv = '{}' WHERE User = '${a.name}'`,
      "SET GLOBAL general_log = 'ON'",
      "INSTALL SONAME 'ha_connect'",
      "CREATE FUNCTION sys_exec RETURNS INTEGER SONAME 'lib_mysqludf_sys.so'",
      "FLUSH PRIVILEGES",
    ];
    await asSite(a, passwordA, async (client) => {
      for (const statement of dump) await expectDenied(client.query(statement), statement);
    });
    await expectIsolated(a);
    expect(await rows(admin, "SELECT 1 FROM mysql.user WHERE User = 'intruder'")).toEqual([]);
    expect(
      await rows(admin, "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN (?, ?)", [
        `${b.name}_copy`,
        a.name.replaceAll("_", "x"),
      ]),
    ).toEqual([]);
    await expectDenied(connectAs(a, passwordA, b.name), "connect to b afterwards");
  });

  it("rotates a password: the old one stops working, the new one works", async () => {
    const rotated = site(5);
    const old = generateDatabasePassword();
    await engine.ensure(rotated, old);
    await asSite(rotated, old, (client) => client.query("SELECT 1"));
    const fresh = generateDatabasePassword();
    await engine.rotatePassword(rotated, fresh);
    await expectDenied(connectAs(rotated, old), "old password");
    await asSite(rotated, fresh, (client) => client.query("SELECT 1"));
    await expectIsolated(rotated);
  });

  it("measures a schema's size, which grows with its data", async () => {
    const before = await engine.sizeBytes(a);
    await asSite(a, passwordA, async (client) => {
      await client.query("CREATE TABLE bulk (n INT PRIMARY KEY, filler TEXT) ENGINE=InnoDB");
      for (let batch = 0; batch < 5; batch++) {
        const values = Array.from({ length: 1000 }, (_, i) => [batch * 1000 + i, "x".repeat(1000)]);
        await client.query("INSERT INTO bulk (n, filler) VALUES ?", [values]);
      }
      // InnoDB's sizes are statistics, refreshed in the background; ANALYZE makes the test not wait for them.
      await client.query("ANALYZE TABLE bulk");
    });
    expect(await engine.sizeBytes(a)).toBeGreaterThan(before + 4_000_000);
  });

  it("drops a schema and its user, ending their sessions, and leaves nothing; a second drop is a no-op", async () => {
    const doomed = site(6);
    const password = generateDatabasePassword();
    await engine.ensure(doomed, password);
    const session = await connectAs(doomed, password);
    session.on("error", () => undefined); // the killed session's next query fails, which the test checks
    await session.query("CREATE TABLE t (n INT)");
    await engine.drop(doomed);
    await expect(session.query("SELECT 1")).rejects.toThrow();
    session.destroy();
    expect(await rows(admin, "SELECT 1 FROM mysql.user WHERE User = ?", [doomed.name])).toEqual([]);
    expect(await rows(admin, "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [doomed.name])).toEqual(
      [],
    );
    expect(await rows(admin, "SELECT 1 FROM mysql.db WHERE User = ?", [doomed.name])).toEqual([]);
    await engine.drop(doomed);
    await expect(engine.sizeBytes(doomed)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
    await expect(engine.rotatePassword(doomed, password)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
  });

  it("lists exactly this installation's site databases, half-made ones included", async () => {
    const halfMade = site(7);
    await admin.query("CREATE USER ?@'%'", [halfMade.name]);
    await admin.query("CREATE USER ?@'%'", [`dir_${otherInstallation}_s1`]);
    const listed = await engine.list();
    expect(listed.map((identity) => identity.siteId)).toEqual(expect.arrayContaining([1, 2, 7]));
    expect(listed.every((identity) => identity.installationId === installationId)).toBe(true);
    await engine.drop(halfMade);
    expect((await engine.list()).map((identity) => identity.siteId)).not.toContain(7);
  });

  it("reports a host it cannot reach as DATABASE_HOST_UNAVAILABLE", async () => {
    const unreachable = new MariadbSiteDatabases({
      adminUrl: "mysql://root@127.0.0.1:1",
      installationId,
      connectionLimit: 5,
    });
    await expect(unreachable.list()).rejects.toMatchObject({ code: "DATABASE_HOST_UNAVAILABLE" });
    await unreachable.close();
  });
});
