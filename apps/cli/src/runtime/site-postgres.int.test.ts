/**
 * `director up`'s PostgreSQL host for site databases against the real embedded servers and the machine's pg_dump: a
 * new host is PostgreSQL 15, which Debian 12's pg_dump 15 exports; one an older Director made with 18 stays on 18 and
 * says how to move; a data directory of a major Director does not ship is refused. The gateway is 127.0.0.1 here (the
 * sites network and its firewall are e2e/local-database-host.e2e.test.ts's).
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@director/db/embedded-postgres";
import { runCommand } from "@director/host/run-command";
import { freePort } from "@director/testing/free-port";
import { quietTestLog } from "@director/testing/test-databases";
import pg from "pg";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SitePostgres, sitePostgresDir, startSitePostgres } from "./site-postgres.js";

/** Debian 12's pg_dump (postgresql-client-15), which `setup-host.sh --database-tools` installs. */
const debianPgDump = "/usr/lib/postgresql/15/bin/pg_dump";
const gateway = { address: "127.0.0.1", subnet: "127.0.0.0/8" };

async function query(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("startSitePostgres", () => {
  let root: string;
  let port: number;
  let warnings: Array<{ msg: string }>;
  let log: pino.Logger;
  const instances: SitePostgres[] = [];

  const start = async () => {
    const instance = await startSitePostgres({ dataDir: root, gateway, port, log });
    instances.push(instance);
    return instance;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "director-site-postgres-"));
    await chmod(root, 0o711); // the server runs as the postgres account when the tests run as root
    port = await freePort();
    warnings = [];
    log = pino({ level: "warn" }, { write: (line: string) => warnings.push(JSON.parse(line)) });
  });
  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("makes a new host with PostgreSQL 15, which the machine's pg_dump 15 dumps", async () => {
    const { adminUrl } = await start();
    expect(await query(adminUrl, "show server_version")).toEqual([{ server_version: expect.stringMatching(/^15\./) }]);
    expect((await readFile(join(sitePostgresDir(root), "PG_VERSION"), "utf8")).trim()).toBe("15");
    expect(warnings).toEqual([]);
    await query(adminUrl, "create table notes (body text); insert into notes values ('kept by pg_dump 15')");

    const version = await runCommand([debianPgDump, "--version"]);
    expect(version.stdout).toMatch(/\(PostgreSQL\) 15\./);
    const url = new URL(adminUrl);
    const dumped = await runCommand(
      [
        debianPgDump,
        "--host",
        url.hostname,
        "--port",
        url.port,
        "--username",
        "postgres",
        "--table",
        "notes",
        "postgres",
      ],
      { env: { PGPASSWORD: decodeURIComponent(url.password) }, timeoutMs: 30_000 },
    );
    expect(dumped.exitCode, dumped.stderr).toBe(0);
    expect(dumped.stdout).toContain("kept by pg_dump 15");
  });

  it("keeps a host an older Director made with PostgreSQL 18 on 18, and warns how to move it", async () => {
    const older = await startEmbeddedPostgres({
      dataDir: sitePostgresDir(root),
      port,
      listenAddress: gateway.address,
      databaseName: null,
      hasUnixSocket: false,
      major: 18,
      log: quietTestLog,
    });
    await query(older.url, "create table kept (id int); insert into kept values (18)");
    await older.stop();

    const { adminUrl } = await start();
    expect(await query(adminUrl, "show server_version")).toEqual([{ server_version: expect.stringMatching(/^18\./) }]);
    expect(await query(adminUrl, "select id from kept")).toEqual([{ id: 18 }]);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: expect.stringMatching(/postgresql-client-18.*export its databases.*remove .*site-postgres/),
      }),
    ]);
  });

  it("refuses a data directory of a major Director does not ship, starting nothing", async () => {
    await mkdir(sitePostgresDir(root));
    await writeFile(join(sitePostgresDir(root), "PG_VERSION"), "16\n");
    await expect(start()).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("was made by PostgreSQL 16"),
    });
  });
});
