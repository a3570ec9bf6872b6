/**
 * Exports and imports of site databases with the real tools against real servers: the developers' PostgreSQL 15
 * (trust), an embedded PostgreSQL (scram-sha-256; a newer major than the machine's pg_dump), and MariaDB
 * (127.0.0.1:3306, root). Every dump and restore runs as the site's own user; the admin connections here only make
 * the site databases, craft hostile dumps and look at what an import left behind.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Readable } from "node:stream";
import type { DirectorError } from "@director/domain/errors";
import { parseInstallationId } from "@director/domain/installation-id";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { type DatabasePassword, generateDatabasePassword, siteDatabaseIdentity } from "@director/domain/site-database";
import { runCommand } from "@director/host/run-command";
import { startEmbeddedTestDatabase } from "@director/testing/test-databases";
import mysql from "mysql2/promise";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteDatabaseTransfers } from "../core/site-database-transfers.js";
import { type DatabaseHostAccess, SiteDatabases } from "../core/site-databases.js";
import { MariadbSiteDumps } from "./mariadb-site-dumps.js";
import { PostgresSiteDumps } from "./postgres-site-dumps.js";
import { createSiteDatabaseEngine } from "./site-database-engines.js";

const serverUrl = process.env.DIRECTOR_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const mariadbUrl = process.env.DIRECTOR_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306";
const installationId = parseInstallationId(`x${randomBytes(3).toString("hex")}`);
const site = (n: number): SiteId => parseSiteId(700 + n);

let databases: SiteDatabases;
let transfers: SiteDatabaseTransfers;
let work: string;

beforeAll(async () => {
  databases = new SiteDatabases({
    installationId,
    createEngine: createSiteDatabaseEngine,
    log: pino({ level: "silent" }),
  });
  transfers = new SiteDatabaseTransfers({
    installationId,
    databases,
    tools: { postgres: new PostgresSiteDumps(), mysql: new MariadbSiteDumps() },
  });
  work = await mkdtemp(path.join(tmpdir(), "transfer-test-"));
});

afterAll(async () => {
  await databases.close();
  await rm(work, { recursive: true, force: true });
});

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function exportToFile(host: DatabaseHostAccess, siteId: SiteId, password: DatabasePassword) {
  const dump = await bytesOf(await transfers.export(host, siteId, password, new AbortController().signal));
  const file = path.join(work, `${siteId}-${randomBytes(4).toString("hex")}.dump`);
  await writeFile(file, dump);
  return { dump, file };
}

async function fileWith(content: Buffer | string): Promise<string> {
  const file = path.join(work, `${randomBytes(6).toString("hex")}.dump`);
  await writeFile(file, content);
  return file;
}

/** As the site's role on PostgreSQL. */
async function asPostgresSite(adminUrl: string, siteId: SiteId, password: DatabasePassword) {
  const url = new URL(adminUrl);
  const { name } = siteDatabaseIdentity(installationId, siteId);
  const client = new pg.Client({
    host: url.hostname,
    port: Number(url.port || 5432),
    user: name,
    password,
    database: name,
  });
  await client.connect();
  return client;
}

/**
 * A custom-format archive whose one COMMENT entry runs `sql` instead: a real pg_dump archive of a scratch database
 * (a table `t` with two rows and a long comment), with the comment's statement replaced by one of the same length.
 * The archive's strings carry their lengths, so the result is a valid archive; pg_restore runs the entry as it is.
 */
async function hostileArchive(admin: pg.Client, sql: string): Promise<string> {
  const scratch = `xfer_scratch_${randomBytes(4).toString("hex")}`;
  const filler = "A".repeat(400);
  await admin.query(`create database ${scratch}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${scratch}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query("create table t (id int primary key, v text)");
    await client.query("insert into t values (1, 'one'), (2, 'two')");
    await client.query(`comment on table t is '${filler}'`);
    await client.end();
    const file = path.join(work, `${scratch}.dump`);
    const dumped = await runCommand([
      "/usr/lib/postgresql/15/bin/pg_dump",
      "--format=custom",
      `--file=${file}`,
      `--dbname=${url}`,
    ]);
    expect(dumped.exitCode).toBe(0);
    const archive = await readFile(file);
    const original = Buffer.from(`COMMENT ON TABLE public.t IS '${filler}';`, "latin1");
    const at = archive.indexOf(original);
    expect(at).toBeGreaterThan(0);
    expect(sql.length).toBeLessThanOrEqual(original.length);
    Buffer.from(sql.padEnd(original.length, " "), "latin1").copy(archive, at);
    await writeFile(file, archive);
    return file;
  } finally {
    await admin.query(`drop database if exists ${scratch} with (force)`);
  }
}

describe("PostgreSQL", () => {
  const hosts: Array<{ name: string; adminUrl: string; stop: () => Promise<void> }> = [];
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    hosts.push({ name: "server", adminUrl: serverUrl, stop: async () => undefined });
    const embedded = await startEmbeddedTestDatabase();
    const url = new URL(embedded.url);
    url.pathname = "/postgres";
    hosts.push({ name: "embedded", adminUrl: url.toString(), stop: embedded.stop });
  });

  afterAll(async () => {
    for (const [index, host] of hosts.entries()) {
      const access = { kind: "postgres" as const, adminUrl: host.adminUrl, connectionLimit: 5 };
      for (let n = 0; n < 10; n += 1) await databases.drop(access, site(index * 10 + n)).catch(() => undefined);
      await host.stop();
    }
    await admin.end();
  });

  const serverHost = (): DatabaseHostAccess => ({ kind: "postgres", adminUrl: serverUrl, connectionLimit: 5 });
  const embeddedHost = (): DatabaseHostAccess => ({
    kind: "postgres",
    adminUrl: hosts[1]?.adminUrl ?? "",
    connectionLimit: 5,
  });

  async function siteWithRows(host: DatabaseHostAccess, siteId: SiteId) {
    const password = generateDatabasePassword();
    await databases.ensure(host, siteId, password);
    const client = await asPostgresSite(host.adminUrl, siteId, password);
    await client.query("create table notes (id serial primary key, body text not null)");
    await client.query("insert into notes (body) values ('first'), ('second'), ('é\\ttab')");
    await client.query("create table keep (id int)");
    await client.end();
    return password;
  }

  it("exports the custom format as the site's role and imports it back after a table was dropped", async () => {
    const host = serverHost();
    const siteId = site(0);
    const password = await siteWithRows(host, siteId);
    const { dump, file } = await exportToFile(host, siteId, password);
    expect(dump.subarray(0, 5).toString()).toBe("PGDMP");

    const client = await asPostgresSite(host.adminUrl, siteId, password);
    await client.query("drop table notes");
    const result = await transfers.import(host, siteId, password, file);
    expect(result.restoredEntries).toBeGreaterThan(2);
    const rows = await client.query("select body from notes order by id");
    expect(rows.rows.map((row) => row.body)).toEqual(["first", "second", "é\\ttab"]);
    // Imported again over itself: the archive's objects are replaced, not doubled.
    await transfers.import(host, siteId, password, file);
    expect((await client.query("select count(*)::int as n from notes")).rows[0].n).toBe(3);
    await client.end();
  });

  it("refuses an export past its pg_dump's version with a clear error, and imports an older archive (scram)", async () => {
    const host = embeddedHost();
    const siteId = site(10);
    const password = await siteWithRows(host, siteId);
    const exported = transfers.export(host, siteId, password, new AbortController().signal);
    exported.catch(() => undefined); // awaited below
    const version = await databases.runStatement(host, siteId, password, {
      statement: "show server_version_num",
      timeoutMs: 5000,
      maxRows: 1,
    });
    const major = Math.floor(Number(version.rows[0]?.[0]) / 10_000);
    if (!existsSync(`/usr/lib/postgresql/${major}/bin/pg_dump`)) {
      await expect(exported).rejects.toMatchObject({
        code: "DATABASE_TOOL_MISSING",
        message: expect.stringContaining(`postgresql-client-${major}`),
      });
    } else {
      await bytesOf(await exported);
    }
    // An archive of the PostgreSQL 15 server's site, restored into the embedded server with the site's password.
    const source = site(1);
    const sourcePassword = await siteWithRows(serverHost(), source);
    const { file } = await exportToFile(serverHost(), source, sourcePassword);
    const client = await asPostgresSite(host.adminUrl, siteId, password);
    await client.query("drop table notes, keep");
    await transfers.import(host, siteId, password, file);
    expect((await client.query("select count(*)::int as n from notes")).rows[0].n).toBe(3);
    await client.end();
  });

  it("refuses an archive that is not one, and keeps nothing", async () => {
    const host = serverHost();
    const siteId = site(2);
    const password = await siteWithRows(host, siteId);
    const file = await fileWith("\\! touch /tmp/nothing\nselect 1;\n");
    await expect(transfers.import(host, siteId, password, file)).rejects.toMatchObject({
      code: "DATABASE_IMPORT_FAILED",
    });
  });

  const pwned = `/tmp/pwned-${randomBytes(6).toString("hex")}`;
  const attacks = [
    { name: "ALTER ROLE SUPERUSER", sql: (role: string) => `ALTER ROLE ${role} SUPERUSER;` },
    { name: "ALTER ROLE CREATEROLE", sql: (role: string) => `ALTER ROLE ${role} CREATEROLE;` },
    { name: "CREATE EXTENSION file_fdw", sql: () => "CREATE EXTENSION file_fdw SCHEMA public;" },
    { name: "CREATE EXTENSION adminpack", sql: () => "CREATE EXTENSION adminpack SCHEMA pg_catalog;" },
    { name: "COPY ... TO PROGRAM", sql: () => `COPY (select 1) TO PROGRAM 'touch ${pwned}';` },
    { name: "GRANT pg_execute_server_program", sql: (role: string) => `GRANT pg_execute_server_program TO ${role};` },
  ];

  for (const [index, attack] of attacks.entries()) {
    for (const which of ["server", "embedded"] as const) {
      it(`refuses an archive that runs ${attack.name} (${which}) and keeps nothing of it`, async () => {
        const host = which === "server" ? serverHost() : embeddedHost();
        const siteId = site((which === "server" ? 3 : 13) + 0 * index);
        const password = generateDatabasePassword();
        await databases.ensure(host, siteId, password);
        const role = siteDatabaseIdentity(installationId, siteId).name;
        const file = await hostileArchive(admin, attack.sql(role));
        const refusal = await transfers.import(host, siteId, password, file).then(
          () => null,
          (error: unknown) => error as DirectorError,
        );
        expect(refusal?.code).toBe("DATABASE_IMPORT_FAILED");
        // The engine's own words; adminpack is gone from PostgreSQL 17 on ("is not available").
        expect(refusal?.message).toMatch(/permission denied|must be superuser|admin option|is not available/i);
        const client = await asPostgresSite(host.adminUrl, siteId, password);
        // The archive's table came before the refused entry: the one transaction took it back.
        expect((await client.query("select to_regclass('public.t') as t")).rows[0].t).toBeNull();
        const roleNow = await client.query(
          "select rolsuper, rolcreaterole, pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') as prog from pg_roles where rolname = current_user",
        );
        expect(roleNow.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, prog: false });
        expect(
          (await client.query("select count(*)::int as n from pg_extension where extname in ('file_fdw', 'adminpack')"))
            .rows[0].n,
        ).toBe(0);
        await client.end();
        expect(existsSync(pwned)).toBe(false);
      });
    }
  }

  it("lets a GRANT on another database change nothing", async () => {
    const host = serverHost();
    const siteId = site(4);
    const password = generateDatabasePassword();
    await databases.ensure(host, siteId, password);
    const other = site(5);
    await databases.ensure(host, other, generateDatabasePassword());
    const otherName = siteDatabaseIdentity(installationId, other).name;
    const aclOf = async () =>
      (await admin.query("select datacl::text as acl from pg_database where datname = $1", [otherName])).rows[0].acl;
    const before = await aclOf();
    const file = await hostileArchive(
      admin,
      `GRANT ALL ON DATABASE ${otherName} TO PUBLIC; GRANT CONNECT ON DATABASE postgres TO PUBLIC;`,
    );
    // PostgreSQL only warns ("no privileges were granted") when the grantor holds nothing to grant: no error, no effect.
    await transfers.import(host, siteId, password, file).catch(() => undefined);
    expect(await aclOf()).toBe(before);
  });
});

describe("MariaDB", () => {
  let admin: mysql.Connection;
  const host = (): DatabaseHostAccess => ({ kind: "mysql", adminUrl: mariadbUrl, connectionLimit: 5 });

  beforeAll(async () => {
    admin = await mysql.createConnection(mariadbUrl);
  });

  afterAll(async () => {
    for (let n = 0; n < 10; n += 1) await databases.drop(host(), site(50 + n)).catch(() => undefined);
    await admin.end();
  });

  async function asSite(siteId: SiteId, password: DatabasePassword) {
    const url = new URL(mariadbUrl);
    const { name } = siteDatabaseIdentity(installationId, siteId);
    return mysql.createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: name,
      password,
      database: name,
    });
  }

  async function siteWithRows(siteId: SiteId) {
    const password = generateDatabasePassword();
    await databases.ensure(host(), siteId, password);
    const connection = await asSite(siteId, password);
    await connection.query(
      "create table notes (id int auto_increment primary key, body text not null, b varbinary(4))",
    );
    await connection.query("insert into notes (body, b) values ('first', 0xdeadbeef), ('second', null), ('é', 0x00)");
    await connection.end();
    return password;
  }

  it("exports SQL as the site's user and imports it back after a table was dropped", async () => {
    const siteId = site(50);
    const password = await siteWithRows(siteId);
    const { dump, file } = await exportToFile(host(), siteId, password);
    expect(dump.toString("utf8")).toContain("CREATE TABLE `notes`");
    const connection = await asSite(siteId, password);
    await connection.query("drop table notes");
    const result = await transfers.import(host(), siteId, password, file);
    expect(result.restoredEntries).toBeNull();
    const [rows] = await connection.query<mysql.RowDataPacket[]>("select body, hex(b) as b from notes order by id");
    expect(rows.map((row) => [row.body, row.b])).toEqual([
      ["first", "DEADBEEF"],
      ["second", null],
      ["é", "00"],
    ]);
    await connection.end();
  });

  it("runs no program from a dump: \\! and system are refused and make no file", async () => {
    const siteId = site(51);
    const password = await siteWithRows(siteId);
    const marker = `/tmp/pwned-${randomBytes(6).toString("hex")}`;
    for (const command of [`\\! touch ${marker}`, `system touch ${marker}`, `\\. /etc/passwd`, `source /etc/passwd`]) {
      const file = await fileWith(`select 1;\n${command}\nselect 2;\n`);
      await expect(transfers.import(host(), siteId, password, file), command).rejects.toMatchObject({
        code: "DATABASE_IMPORT_FAILED",
      });
      expect(existsSync(marker), command).toBe(false);
    }
  });

  it("refuses GRANT ALL ON *.*, LOAD DATA LOCAL and another schema, and grants nothing", async () => {
    const siteId = site(52);
    const password = await siteWithRows(siteId);
    const user = siteDatabaseIdentity(installationId, siteId).name;
    const grantsOf = async () => (await admin.query<mysql.RowDataPacket[]>("show grants for ?@'%'", [user]))[0];
    const before = await grantsOf();
    for (const statement of [
      `GRANT ALL ON *.* TO '${user}'@'%';`,
      "GRANT ALL ON mysql.* TO PUBLIC;",
      "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE notes;",
      "CREATE TABLE mysql.pwned (id int);",
      "select load_file('/etc/passwd') into outfile '/tmp/pwned-out';",
    ]) {
      const file = await fileWith(`${statement}\n`);
      await expect(transfers.import(host(), siteId, password, file), statement).rejects.toMatchObject({
        code: "DATABASE_IMPORT_FAILED",
      });
    }
    expect(await grantsOf()).toEqual(before);
    expect(existsSync("/tmp/pwned-out")).toBe(false);
  });

  it("refuses an import with a wrong password as a login refusal", async () => {
    const siteId = site(53);
    await siteWithRows(siteId);
    const file = await fileWith("select 1;\n");
    await expect(transfers.import(host(), siteId, generateDatabasePassword(), file)).rejects.toMatchObject({
      code: "SITE_DATABASE_LOGIN_REFUSED",
    });
    expect(await readFile(file, "utf8")).toBe("select 1;\n");
  });
});
