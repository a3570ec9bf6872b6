import { chmod, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@director/testing/free-port";
import { quietTestLog } from "@director/testing/test-databases";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from "./embedded-postgres.js";

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

describe("startEmbeddedPostgres", () => {
  let root: string;
  let dataDir: string;
  let port: number;
  const handles: EmbeddedPostgresHandle[] = [];

  const start = async () => {
    const handle = await startEmbeddedPostgres({ dataDir, port, log: quietTestLog });
    handles.push(handle);
    return handle;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "director-embedded-"));
    await chmod(root, 0o711);
    dataDir = join(root, "pg");
    port = await freePort();
  });
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("keeps data across a stop and a start, with the same password kept in a 0600 file", async () => {
    const first = await start();
    // through its own Unix socket, in a directory only the server's account (and root) may enter
    const socketDir = `${dataDir}.socket`;
    expect(first.url).toBe(
      `${first.url.split("@")[0]}@localhost:${port}/director?host=${encodeURIComponent(socketDir)}`,
    );
    expect((await stat(socketDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(socketDir, `.s.PGSQL.${port}`))).isSocket()).toBe(true);
    // and on 127.0.0.1 for tools, with the same password
    const overTcp = `${first.url.split("@")[0]}@127.0.0.1:${port}/director`;
    expect(await query(overTcp, "select 1 as one")).toEqual([{ one: 1 }]);
    await query(first.url, "create table kept (value text); insert into kept values ('before restart')");
    await first.stop();
    await first.stop(); // stopping twice is harmless

    const second = await start();
    expect(second.url).toBe(first.url);
    expect(await query(second.url, "select value from kept")).toEqual([{ value: "before restart" }]);
    expect((await stat(`${dataDir}.password`)).mode & 0o777).toBe(0o600);
  });

  it("refuses connections without the password", async () => {
    const handle = await start();
    const withoutPassword = handle.url.replace(/:[^:@/]+@/, "@");
    await expect(query(withoutPassword, "select 1")).rejects.toThrow(/password/i);
  });

  it("restarts after its server was killed with SIGKILL", async () => {
    const first = await start();
    await query(first.url, "create table survivors (id int); insert into survivors values (1)");
    const pid = await postmasterPid(dataDir);
    process.kill(pid, "SIGKILL");
    while (isAlive(pid)) await sleep(20);
    await first.stop(); // resolves although the server is already gone

    const second = await start();
    expect(await query(second.url, "select id from survivors")).toEqual([{ id: 1 }]);
  });

  it("stops a server left running by a previous run (e.g. Director was SIGKILLed) and takes over its data", async () => {
    const orphan = await start();
    await query(orphan.url, "create table inherited (id int); insert into inherited values (7)");
    const orphanPid = await postmasterPid(dataDir);

    const successor = await start();
    expect(isAlive(orphanPid)).toBe(false);
    expect(await postmasterPid(dataDir)).not.toBe(orphanPid);
    expect(await query(successor.url, "select id from inherited")).toEqual([{ id: 7 }]);
  });

  it("runs PostgreSQL 15 when asked, and refuses to run its data directory with 18, which it leaves as it was", async () => {
    const on15 = await startEmbeddedPostgres({ dataDir, port, major: 15, log: quietTestLog });
    handles.push(on15);
    expect(await query(on15.url, "show server_version")).toEqual([{ server_version: expect.stringMatching(/^15\./) }]);
    await on15.stop();
    expect((await readFile(join(dataDir, "PG_VERSION"), "utf8")).trim()).toBe("15");

    // The default is 18 (Director's own database): refused before anything runs, saying what to do instead.
    await expect(start()).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(/made by PostgreSQL 15.*not PostgreSQL 18: start it with PostgreSQL 15 again/),
    });
    await expect(stat(join(dataDir, "postmaster.pid"))).rejects.toMatchObject({ code: "ENOENT" });
    expect((await readFile(join(dataDir, "PG_VERSION"), "utf8")).trim()).toBe("15");
  });

  it.runIf(process.getuid?.() === 0)(
    "refuses, before starting, a data directory the postgres user cannot reach",
    async () => {
      const hidden = join(root, "private");
      await mkdir(hidden, { mode: 0o700 });
      await chmod(hidden, 0o700);
      await expect(
        startEmbeddedPostgres({ dataDir: join(hidden, "pg"), port, log: quietTestLog }),
      ).rejects.toMatchObject({
        code: "CONFIG_INVALID",
        message: expect.stringContaining("not reachable by the postgres user"),
      });
      await expect(stat(join(hidden, "pg"))).rejects.toMatchObject({ code: "ENOENT" });
    },
  );
});
