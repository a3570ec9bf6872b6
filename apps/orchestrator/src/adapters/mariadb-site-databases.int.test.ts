/**
 * MariadbSiteDatabases against the MariaDB server these machines run (127.0.0.1:3306, root without a password;
 * DIRECTOR_TEST_MARIADB_URL overrides it). Site users connect over TCP as a site would, with their passwords. The
 * contract's tests are shared with PostgreSQL (testing/site-database-engine-contract.ts); the attacks below are
 * MariaDB's own.
 */
import { generateDatabasePassword, type SiteDatabaseIdentity } from "@director/domain/site-database";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { expect, it } from "vitest";
import {
  asSite,
  describeSiteDatabaseEngine,
  type SiteDatabaseTestServer,
  testConnectionLimit,
} from "../testing/site-database-engine-contract.js";
import { MariadbSiteDatabases } from "./mariadb-site-databases.js";

const adminUrl = process.env.DIRECTOR_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";
/** MariaDB's "access denied" family: to a database (1044), for a user (1045), to a table (1142), a privilege (1227). */
const accessDenied = [1044, 1045, 1142, 1227];

interface MariadbTestServer extends SiteDatabaseTestServer<Connection> {
  admin: Connection;
}

async function rows(connection: Connection, query: string, values: unknown[] = []) {
  const [result] = await connection.query<RowDataPacket[]>(query, values);
  return result.map((row) => ({ ...row }));
}

async function expectDenied(work: Promise<unknown>, statement: string) {
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error, statement).toMatchObject({ errno: expect.toBeOneOf(accessDenied) });
}

/** The server at `adminUrl`, reached as its admin. */
async function mariadbTestServer(): Promise<MariadbTestServer> {
  const admin = await mysql.createConnection(adminUrl);
  const host = new URL(adminUrl);
  return {
    adminUrl,
    admin,
    emptySizeBytesAtLeast: 0, // InnoDB's estimate: nothing until a table has pages
    connectAs: async (identity, password, database = identity.name) => {
      const connection = await mysql.createConnection({
        host: host.hostname,
        port: Number(host.port || 3306),
        user: identity.name,
        password,
        database,
      });
      connection.on("error", () => undefined); // a killed session also fails its next query, which the test checks
      return connection;
    },
    expectIsolated: (identity) => expectIsolated(admin, identity),
    leaveHalfMade: async (userOnly, databaseOnly) => {
      const role = roleOf(userOnly);
      // A user with too much, and no database…
      await admin.query("CREATE USER ?@'%' IDENTIFIED BY 'old-password'", [userOnly.name]);
      await admin.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [userOnly.name]);
      await admin.query("GRANT SELECT ON mysql.* TO ?@'%'", [userOnly.name]);
      await admin.query("CREATE ROLE ??", [role]);
      await admin.query("GRANT ?? TO ?@'%'", [role, userOnly.name]);
      // …or a schema and no user.
      await admin.query("CREATE DATABASE ??", [databaseOnly.name]);
    },
    createUser: async (name) => {
      await admin.query("CREATE USER ?@'%'", [name]);
    },
    dropUser: async (name) => {
      await admin.query("DROP USER IF EXISTS ?@'%'", [name]);
    },
    addBulk: async (connection) => {
      await connection.query("CREATE TABLE bulk (n INT PRIMARY KEY, filler TEXT) ENGINE=InnoDB");
      for (let batch = 0; batch < 5; batch++) {
        const values = Array.from({ length: 1000 }, (_, i) => [batch * 1000 + i, "x".repeat(1000)]);
        await connection.query("INSERT INTO bulk (n, filler) VALUES ?", [values]);
      }
      // InnoDB's sizes are statistics, refreshed in the background; ANALYZE makes the test not wait for them.
      await connection.query("ANALYZE TABLE bulk");
    },
    leftoversOf: async (identity) => [
      ...(await rows(admin, "SELECT 1 FROM mysql.user WHERE User = ?", [identity.name])),
      ...(await rows(admin, "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [identity.name])),
      ...(await rows(admin, "SELECT 1 FROM mysql.db WHERE User = ?", [identity.name])),
    ],
    stop: () => admin.end(),
  };
}

/** The role leaveHalfMade grants the half-made user (named for the installation, so no other run meets it). */
function roleOf(identity: SiteDatabaseIdentity): string {
  return `${identity.installationId}_role`;
}

/** What `ensure` promises: no global privilege, all privileges on its own schema only, no GRANT OPTION, no role. */
async function expectIsolated(admin: Connection, identity: SiteDatabaseIdentity) {
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
  ).toEqual([{ n: testConnectionLimit }]);
}

describeSiteDatabaseEngine(
  "MariadbSiteDatabases",
  {
    start: mariadbTestServer,
    makeEngine: (options) => new MariadbSiteDatabases(options),
    checksPasswords: true,
    unreachableAdminUrl: "mysql://root@127.0.0.1:1",
    refusals: {
      otherDatabase: { errno: expect.toBeOneOf(accessDenied) },
      wrongPassword: { errno: expect.toBeOneOf(accessDenied) },
      writesStopped: { errno: 1142 },
    },
  },
  (test) => {
    const { a, b, passwordA, passwordB } = test;
    // `_` is a wildcard in a GRANT's schema name: the dump tries to create this one through an unescaped grant.
    const lookalike = a.name.replaceAll("_", "x");
    test.removeAtEnd(() => test.server.admin.query("DROP USER IF EXISTS 'intruder'@'%'"));
    test.removeAtEnd(() => test.server.admin.query("DROP ROLE IF EXISTS ??", [roleOf(a)]));
    test.removeAtEnd(() => test.server.admin.query("DROP DATABASE IF EXISTS ??", [`${b.name}_copy`]));
    test.removeAtEnd(() => test.server.admin.query("DROP DATABASE IF EXISTS ??", [lookalike]));

    it("lets a user whose writes are stopped free space, and not give itself its rights back", async () => {
      const limited = test.site(10);
      const password = generateDatabasePassword();
      await test.engine.ensure(limited, password);
      test.removeAtEnd(() => test.engine.drop(limited));
      await asSite(test.server, limited, password, async (client) => {
        await client.query("CREATE TABLE big (n INT)");
        await client.query("CREATE TABLE other (n INT)");
        await client.query("INSERT INTO big VALUES (1), (2)");
        // Made while it may write, to write for it once it may not: they run with its own (then reduced) rights.
        await client.query("CREATE PROCEDURE fill() SQL SECURITY DEFINER INSERT INTO big VALUES (9)");
        await client.query("CREATE TABLE audit (n INT)");
        await client.query("CREATE TRIGGER copy AFTER DELETE ON other FOR EACH ROW INSERT INTO audit VALUES (OLD.n)");
        await client.query("INSERT INTO other VALUES (1)");
      });
      await test.engine.setWritesAllowed(limited, false);
      await asSite(test.server, limited, password, async (client) => {
        await client.query("DELETE FROM big WHERE n = 1");
        await client.query("TRUNCATE TABLE big");
        for (const statement of [
          `GRANT INSERT ON ${mysql.escapeId(limited.name)}.* TO '${limited.name}'@'%'`,
          "UPDATE big SET n = 3",
          "ALTER TABLE big ADD COLUMN m INT",
          "CREATE TEMPORARY TABLE scratch (n INT)",
          "CALL fill()",
          "DELETE FROM other",
          "DROP TRIGGER copy",
          "CREATE PROCEDURE more() INSERT INTO big VALUES (8)",
        ]) {
          await expectDenied(client.query(statement), statement);
        }
        // Dropping the table drops its trigger with it: space can always be freed.
        await client.query("DROP TABLE other");
        expect(await rows(client, "SELECT COUNT(*) AS n FROM big")).toEqual([{ n: 0 }]);
      });
    });

    it("lets a site's user work in its own schema, and shows it no other", async () => {
      const found = await asSite(test.server, a, passwordA, async (client) => {
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

    it("refuses a site's user the other site's tables from inside its own schema", async () => {
      await asSite(test.server, b, passwordB, (client) => client.query("CREATE TABLE secrets (s TEXT)"));
      await asSite(test.server, a, passwordA, async (client) => {
        await expectDenied(client.query(`SELECT * FROM ${mysql.escapeId(b.name)}.secrets`), "select from b");
        await expectDenied(client.query(`USE ${mysql.escapeId(b.name)}`), "use b");
      });
    });

    it("keeps server files and the user catalogue out of a site's reach", async () => {
      await asSite(test.server, a, passwordA, async (client) => {
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
        `CREATE DATABASE ${mysql.escapeId(lookalike)}`,
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
      await asSite(test.server, a, passwordA, async (client) => {
        for (const statement of dump) await expectDenied(client.query(statement), statement);
      });
      await test.server.expectIsolated(a);
      const { admin } = test.server;
      expect(await rows(admin, "SELECT 1 FROM mysql.user WHERE User = 'intruder'")).toEqual([]);
      expect(
        await rows(admin, "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN (?, ?)", [
          `${b.name}_copy`,
          lookalike,
        ]),
      ).toEqual([]);
      await expectDenied(test.server.connectAs(a, passwordA, b.name), "connect to b afterwards");
    });
  },
);
