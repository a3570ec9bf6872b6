/**
 * PostgresSiteDatabases against real servers: an embedded PostgreSQL with scram-sha-256 in its pg_hba.conf (the
 * password checks need it), and the developers' server (PostgreSQL 15, trust on 127.0.0.1: no password is checked
 * there, but every right is). Site roles connect over TCP to 127.0.0.1 as a site would.
 */
import { randomBytes } from "node:crypto";
import { parseInstallationId } from "@director/domain/installation-id";
import { parseSiteId } from "@director/domain/site";
import {
  generateDatabasePassword,
  type SiteDatabaseIdentity,
  siteDatabaseIdentity,
} from "@director/domain/site-database";
import { startEmbeddedTestDatabase } from "@director/testing/test-databases";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresSiteDatabases } from "./postgres-site-databases.js";

interface TestHost {
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
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

describe.each(backends)("PostgresSiteDatabases on $name", (backend) => {
  // A password test means something only on a server that checks passwords (trust ignores them): it is registered
  // there only, rather than reported as skipped on the other.
  const itWherePasswordsCount = backend.checksPasswords ? it : ((() => undefined) as unknown as typeof it);
  // A random installation per run: names never meet another run's or anything else on the server.
  const installationId = parseInstallationId(`t${randomBytes(6).toString("hex")}`);
  const otherInstallation = parseInstallationId(`u${randomBytes(6).toString("hex")}`);
  const site = (id: number) => siteDatabaseIdentity(installationId, parseSiteId(id));
  const a = site(1);
  const b = site(2);
  const passwordA = generateDatabasePassword();
  const passwordB = generateDatabasePassword();
  let host: TestHost;
  let engine: PostgresSiteDatabases;
  let admin: pg.Client;

  /** A connection as `identity`'s role to `database` (its own by default), as a site would open it. */
  async function connectAs(identity: SiteDatabaseIdentity, password: string, database: string = identity.name) {
    const client = new pg.Client({ host: "127.0.0.1", port: host.port, user: identity.name, password, database });
    client.on("error", () => undefined); // a terminated session also fails its next query, which the test checks
    await client.connect();
    return client;
  }

  async function asSite<T>(identity: SiteDatabaseIdentity, password: string, work: (client: pg.Client) => Promise<T>) {
    const client = await connectAs(identity, password);
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** What `ensure` promises: a plain login role owning its database, which grants nobody else anything. */
  async function expectIsolated(identity: SiteDatabaseIdentity) {
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
        rolconnlimit: 5,
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

  beforeAll(async () => {
    host = await backend.start();
    engine = new PostgresSiteDatabases({ adminUrl: host.adminUrl, installationId, connectionLimit: 5 });
    admin = new pg.Client({ connectionString: host.adminUrl });
    await admin.connect();
    await engine.ensure(a, passwordA);
    await engine.ensure(b, passwordB);
  });

  afterAll(async () => {
    // Everything is removed even when one step fails (a broken engine must not leave the shared server dirty).
    const results: PromiseSettledResult<unknown>[] = await Promise.allSettled([
      admin?.query(`drop database if exists ${pg.escapeIdentifier(`${b.name}_copy`)}`),
      admin?.query(`drop role if exists intruder`),
      admin?.query(`drop role if exists ${pg.escapeIdentifier(`dir_${otherInstallation}_s1`)}`),
    ]);
    for (const leftover of (await engine?.list()) ?? [])
      results.push(...(await Promise.allSettled([engine.drop(leftover)])));
    await admin?.end();
    await engine?.close();
    await host?.stop();
    for (const result of results) if (result.status === "rejected") throw result.reason;
  });

  it("makes a login role that owns its database and nothing more, the same again on a second run", async () => {
    await expectIsolated(a);
    await engine.ensure(a, passwordA);
    await expectIsolated(a);
  });

  it("finishes the job after a failure half-way, taking back what a half-made role was given", async () => {
    const roleOnly = site(3);
    const databaseOnly = site(4);
    const password = generateDatabasePassword();
    // As if an earlier run (or someone else) left a role with too much, and no database…
    await admin.query(`create role ${roleOnly.name} login superuser createdb createrole`);
    await admin.query(`grant pg_read_server_files, pg_execute_server_program to ${roleOnly.name}`);
    // …or a database that PUBLIC may connect to, owned by the admin, and no role.
    await admin.query(`create database ${databaseOnly.name}`);
    await admin.query(`grant all on database ${databaseOnly.name} to ${b.name}`);
    for (const identity of [roleOnly, databaseOnly]) {
      await engine.ensure(identity, password);
      await expectIsolated(identity);
      await asSite(identity, password, (client) => client.query("create table t (n int)"));
    }
    await expect(connectAs(b, passwordB, databaseOnly.name)).rejects.toMatchObject({ code: "42501" });
  });

  it("lets a site's role work in its own database and its public schema, which nobody else may use", async () => {
    const rows = await asSite(a, passwordA, async (client) => {
      await client.query("create table notes (id serial primary key, body text)");
      await client.query("insert into notes (body) values ($1)", ["hello"]);
      return (await client.query("select body from notes")).rows;
    });
    expect(rows).toEqual([{ body: "hello" }]);
    const schema = await asSite(a, passwordA, (client) =>
      client.query(
        "select pg_get_userbyid(nspowner) as owner, has_schema_privilege('public', 'public', 'USAGE') as public_usage from pg_namespace where nspname = 'public'",
      ),
    );
    expect(schema.rows).toEqual([{ owner: a.name, public_usage: false }]);
  });

  it("refuses a site's role the other site's database", async () => {
    await expect(connectAs(a, passwordA, b.name)).rejects.toMatchObject({
      code: "42501",
      message: expect.stringContaining("permission denied for database"),
    });
  });

  itWherePasswordsCount("refuses a role its own database with another password", async () => {
    await expect(connectAs(a, passwordB)).rejects.toMatchObject({ code: "28P01" });
    await expect(connectAs(b, passwordA, b.name)).rejects.toMatchObject({ code: "28P01" });
  });

  it("keeps server files, programs and the password catalogue out of a site's reach", async () => {
    await asSite(a, passwordA, async (client) => {
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
    await asSite(a, passwordA, async (client) => {
      for (const statement of dump) {
        await expect(client.query(statement), statement).rejects.toMatchObject({
          code: expect.stringMatching(/^(42501|0A000|22023)$/),
        });
      }
      const extensions = await client.query("select extname from pg_extension order by 1");
      expect(extensions.rows).toEqual([{ extname: "plpgsql" }]);
    });
    await expectIsolated(a);
    const intruder = await admin.query("select 1 from pg_roles where rolname = 'intruder'");
    expect(intruder.rowCount).toBe(0);
    await expect(connectAs(a, passwordA, b.name)).rejects.toMatchObject({ code: "42501" });
  });

  itWherePasswordsCount("rotates a password: the old one stops working, the new one works", async () => {
    const rotated = site(5);
    const old = generateDatabasePassword();
    await engine.ensure(rotated, old);
    await asSite(rotated, old, (client) => client.query("select 1"));
    const fresh = generateDatabasePassword();
    await engine.rotatePassword(rotated, fresh);
    await expect(connectAs(rotated, old)).rejects.toMatchObject({ code: "28P01" });
    await asSite(rotated, fresh, (client) => client.query("select 1"));
    await expectIsolated(rotated);
  });

  it("measures a database's size, which grows with its data", async () => {
    const before = await engine.sizeBytes(a);
    expect(before).toBeGreaterThan(1_000_000); // an empty PostgreSQL database takes several MB
    await asSite(a, passwordA, (client) =>
      client.query("create table bulk as select g as n, repeat('x', 1000) as filler from generate_series(1, 5000) g"),
    );
    expect(await engine.sizeBytes(a)).toBeGreaterThan(before + 4_000_000);
  });

  it("drops a database and its role, ending their sessions, and leaves nothing; a second drop is a no-op", async () => {
    const doomed = site(6);
    const password = generateDatabasePassword();
    await engine.ensure(doomed, password);
    const session = await connectAs(doomed, password);
    await session.query("create table t (n int)");
    await engine.drop(doomed);
    await expect(session.query("select 1")).rejects.toThrow();
    await session.end().catch(() => undefined);
    const left = await admin.query(
      "select rolname as name from pg_roles where rolname = $1 union all select datname from pg_database where datname = $1",
      [doomed.name],
    );
    expect(left.rows).toEqual([]);
    await engine.drop(doomed);
    await expect(engine.sizeBytes(doomed)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
    await expect(engine.rotatePassword(doomed, password)).rejects.toMatchObject({ code: "SITE_DATABASE_NOT_FOUND" });
  });

  it("lists exactly this installation's site databases, half-made ones included", async () => {
    const halfMade = site(7);
    await admin.query(`create role ${halfMade.name}`);
    await admin.query(`create role ${pg.escapeIdentifier(`dir_${otherInstallation}_s1`)}`);
    const listed = await engine.list();
    expect(listed.map((identity) => identity.siteId)).toEqual(expect.arrayContaining([1, 2, 7]));
    expect(listed.every((identity) => identity.installationId === installationId)).toBe(true);
    expect(listed.map((identity) => identity.name)).not.toContain(`dir_${otherInstallation}_s1`);
    await engine.drop(halfMade);
    expect((await engine.list()).map((identity) => identity.siteId)).not.toContain(7);
  });

  it("reports a host it cannot reach as DATABASE_HOST_UNAVAILABLE", async () => {
    const unreachable = new PostgresSiteDatabases({
      adminUrl: "postgres://postgres@127.0.0.1:1/postgres",
      installationId,
      connectionLimit: 5,
    });
    await expect(unreachable.list()).rejects.toMatchObject({ code: "DATABASE_HOST_UNAVAILABLE" });
    await unreachable.close();
  });
});
