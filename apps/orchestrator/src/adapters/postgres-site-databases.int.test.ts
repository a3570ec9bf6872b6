/**
 * PostgresSiteDatabases against real servers: an embedded PostgreSQL with scram-sha-256 in its pg_hba.conf (the
 * password checks need it), and the developers' server (PostgreSQL 15, trust on 127.0.0.1: no password is checked
 * there, but every right is). Site roles connect over TCP to 127.0.0.1 as a site would. The contract's tests are
 * shared with MariaDB (testing/site-database-engine-contract.ts); the attacks below are PostgreSQL's own.
 */
import { generateDatabasePassword, type SiteDatabaseIdentity } from "@director/domain/site-database";
import { startEmbeddedTestDatabase } from "@director/testing/test-databases";
import pg from "pg";
import { expect, it } from "vitest";
import {
  asSite,
  describeSiteDatabaseEngine,
  type SiteDatabaseTestServer,
  testConnectionLimit,
} from "../testing/site-database-engine-contract.js";
import { PostgresSiteDatabases } from "./postgres-site-databases.js";

interface TestHost {
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

interface PostgresTestServer extends SiteDatabaseTestServer<pg.Client> {
  admin: pg.Client;
}

const backends = [
  {
    name: "an embedded PostgreSQL (scram-sha-256)",
    checksPasswords: true,
    start: async (): Promise<TestHost> => {
      const server = await startEmbeddedTestDatabase();
      const url = new URL(server.url);
      url.pathname = "/postgres";
      return { adminUrl: url.toString(), port: Number(url.port), stop: server.stop };
    },
  },
  {
    name: "the PostgreSQL server (trust)",
    checksPasswords: false,
    start: async (): Promise<TestHost> => {
      const adminUrl = process.env.DIRECTOR_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
      return { adminUrl, port: Number(new URL(adminUrl).port || 5432), stop: async () => undefined };
    },
  },
];

/** The host `start` gives, reached as its admin. */
async function postgresTestServer(host: TestHost): Promise<PostgresTestServer> {
  const admin = new pg.Client({ connectionString: host.adminUrl });
  await admin.connect();
  return {
    adminUrl: host.adminUrl,
    admin,
    emptySizeBytesAtLeast: 1_000_000, // an empty PostgreSQL database takes several MB
    connectAs: async (identity, password, database = identity.name) => {
      const client = new pg.Client({ host: "127.0.0.1", port: host.port, user: identity.name, password, database });
      client.on("error", () => undefined); // a terminated session also fails its next query, which the test checks
      await client.connect();
      return client;
    },
    expectIsolated: (identity) => expectIsolated(admin, identity),
    leaveHalfMade: async (roleOnly, databaseOnly, neighbour) => {
      // A role with too much, and no database…
      await admin.query(`create role ${roleOnly.name} login superuser createdb createrole`);
      await admin.query(`grant pg_read_server_files, pg_execute_server_program to ${roleOnly.name}`);
      // …or a database that PUBLIC may connect to, owned by the admin, open to a neighbour, and no role.
      await admin.query(`create database ${databaseOnly.name}`);
      await admin.query(`grant all on database ${databaseOnly.name} to ${neighbour.name}`);
    },
    createUser: async (name) => {
      await admin.query(`create role ${pg.escapeIdentifier(name)}`);
    },
    dropUser: async (name) => {
      await admin.query(`drop role if exists ${pg.escapeIdentifier(name)}`);
    },
    addBulk: async (client) => {
      await client.query(
        "create table bulk as select g as n, repeat('x', 1000) as filler from generate_series(1, 5000) g",
      );
    },
    leftoversOf: async (identity) =>
      (
        await admin.query(
          "select rolname as name from pg_roles where rolname = $1 union all select datname from pg_database where datname = $1",
          [identity.name],
        )
      ).rows,
    stop: async () => {
      await admin.end();
      await host.stop();
    },
  };
}

/** What `ensure` promises: a plain login role owning its database, which grants nobody else anything. */
async function expectIsolated(admin: pg.Client, identity: SiteDatabaseIdentity) {
  const role = await admin.query(
    `select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication, rolbypassrls, rolconnlimit,
            (select count(*)::int from pg_auth_members m where m.member = r.oid) as memberships
       from pg_roles r where rolname = $1`,
    [identity.name],
  );
  expect(role.rows).toEqual([
    {
      rolcanlogin: true,
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolinherit: false,
      rolreplication: false,
      rolbypassrls: false,
      rolconnlimit: testConnectionLimit,
      memberships: 0,
    },
  ]);
  const database = await admin.query(
    `select pg_get_userbyid(datdba) as owner,
            (select count(*)::int from aclexplode(datacl) x where x.grantee <> datdba) as others
       from pg_database where datname = $1`,
    [identity.name],
  );
  expect(database.rows).toEqual([{ owner: identity.name, others: 0 }]);
}

for (const backend of backends) {
  describeSiteDatabaseEngine(
    `PostgresSiteDatabases on ${backend.name}`,
    {
      start: async () => postgresTestServer(await backend.start()),
      makeEngine: (options) => new PostgresSiteDatabases(options),
      checksPasswords: backend.checksPasswords,
      unreachableAdminUrl: "postgres://postgres@127.0.0.1:1/postgres",
      refusals: {
        otherDatabase: { code: "42501", message: expect.stringContaining("permission denied for database") },
        wrongPassword: { code: "28P01" },
        writesStopped: { code: "25006" },
      },
    },
    (test) => {
      const { a, b, passwordA } = test;
      test.removeAtEnd(() =>
        test.server.admin.query(`drop database if exists ${pg.escapeIdentifier(`${b.name}_copy`)}`),
      );
      test.removeAtEnd(() => test.server.admin.query("drop role if exists intruder"));

      it("stops writes by a default that the role may lift in its own session (PostgreSQL holds no owner to less)", async () => {
        const limited = test.site(10);
        const password = generateDatabasePassword();
        await test.engine.ensure(limited, password);
        test.removeAtEnd(() => test.engine.drop(limited));
        await asSite(test.server, limited, password, (client) => client.query("create table t (n int)"));
        await test.engine.setWritesAllowed(limited, false);
        const lifted = await asSite(test.server, limited, password, async (client) => {
          await expect(client.query("delete from t")).rejects.toMatchObject({ code: "25006" });
          await client.query("set default_transaction_read_only = off");
          await client.query("insert into t values (1)");
          return (await client.query("select count(*)::int as n from t")).rows;
        });
        // What domain/site-database-quota.ts and the README say: the limit alerts, it does not hold a determined owner.
        expect(lifted).toEqual([{ n: 1 }]);
      });

      it("lets a site's role work in its own database and its public schema, which nobody else may use", async () => {
        const rows = await asSite(test.server, a, passwordA, async (client) => {
          await client.query("create table notes (id serial primary key, body text)");
          await client.query("insert into notes (body) values ($1)", ["hello"]);
          return (await client.query("select body from notes")).rows;
        });
        expect(rows).toEqual([{ body: "hello" }]);
        const schema = await asSite(test.server, a, passwordA, (client) =>
          client.query(
            "select pg_get_userbyid(nspowner) as owner, has_schema_privilege('public', 'public', 'USAGE') as public_usage from pg_namespace where nspname = 'public'",
          ),
        );
        expect(schema.rows).toEqual([{ owner: a.name, public_usage: false }]);
      });

      it("keeps server files, programs and the password catalogue out of a site's reach", async () => {
        await asSite(test.server, a, passwordA, async (client) => {
          await client.query("create table loot (line text)");
          for (const statement of [
            "select rolpassword from pg_authid",
            "copy loot from program 'id'",
            "copy loot to program 'cat > /tmp/director-escape'",
            "copy loot from '/etc/passwd'",
            "copy loot to '/tmp/director-escape'",
            "select pg_read_file('/etc/passwd')",
            "select pg_read_binary_file('/etc/passwd')",
            "select pg_ls_dir('.')",
            "select lo_import('/etc/passwd')",
          ]) {
            await expect(client.query(statement), statement).rejects.toMatchObject({ code: "42501" });
          }
          expect((await client.query("select count(*)::int as n from loot")).rows).toEqual([{ n: 0 }]);
        });
      });

      it("runs a dump crafted to escalate without effect: every statement fails and nothing changed", async () => {
        const dump = [
          `create role intruder login superuser`,
          `create role intruder login`,
          `create database ${b.name}_copy`,
          `alter role ${a.name} superuser`,
          `alter role ${a.name} createdb createrole bypassrls replication`,
          `grant all on database ${b.name} to ${a.name}`,
          `grant pg_read_server_files, pg_write_server_files, pg_execute_server_program to ${a.name}`,
          `grant ${b.name} to ${a.name}`,
          `create extension file_fdw`,
          `create extension plperlu`,
          `alter database ${a.name} owner to postgres`,
          `set role postgres`,
          `set session authorization postgres`,
        ];
        await asSite(test.server, a, passwordA, async (client) => {
          for (const statement of dump) {
            await expect(client.query(statement), statement).rejects.toMatchObject({
              code: expect.stringMatching(/^(42501|0A000|22023)$/),
            });
          }
          const extensions = await client.query("select extname from pg_extension order by 1");
          expect(extensions.rows).toEqual([{ extname: "plpgsql" }]);
        });
        await test.server.expectIsolated(a);
        const intruder = await test.server.admin.query("select 1 from pg_roles where rolname = 'intruder'");
        expect(intruder.rowCount).toBe(0);
        await expect(test.server.connectAs(a, passwordA, b.name)).rejects.toMatchObject({ code: "42501" });
      });
    },
  );
}
