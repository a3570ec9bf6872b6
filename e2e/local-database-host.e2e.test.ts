/**
 * `director up`'s own PostgreSQL host for site databases, against the real thing: it registers itself as the database
 * host `local` (which the orchestrator's check accepts), listens on the sites network's gateway and nowhere else, is
 * reached from a container on that network through the site firewall, lets a site's role reach only its own database
 * (pg_hba `sameuser`, spoken to in the protocol's own bytes from inside the container), runs PostgreSQL 15 so that a
 * site's database goes out through an export and comes back through an import with this machine's pg_dump 15, and
 * survives a restart with its data and with what an administrator changed.
 */
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import { runCommand } from "@director/host/run-command";
import { freePort } from "@director/testing/free-port";
import Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "local database host e2e password";
const siteImage = "director/base-busybox:latest";

/** A PostgreSQL StartupMessage (protocol 3.0) for `user` and `database`, as printf octal escapes for busybox's sh. */
function startupMessageEscaped(user: string, database: string): string {
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 0]),
    Buffer.from(`user\0${user}\0database\0${database}\0\0`, "latin1"),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length + 4);
  return [...Buffer.concat([length, body])].map((byte) => `\\${byte.toString(8).padStart(3, "0")}`).join("");
}

/** Whether a TCP connection to host:port opens from this machine. */
function opensFromHost(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe("director up's PostgreSQL host for site databases", () => {
  let director: DirectorProcess;
  let api: ApiSession;
  let port: number;
  let networkName: string;
  let gateway: string;
  let adminUrl: string;

  /** Runs `script` in a throwaway container of the site base image on the sites network. */
  async function inSitesNetwork(script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const result = await runCommand(
      ["docker", "run", "--rm", "--network", networkName, "--cap-drop", "ALL", siteImage, "sh", "-c", script],
      { timeoutMs: 60_000 },
    );
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  async function hosts(): Promise<Array<Record<string, unknown>>> {
    const listed = await api.request("GET", "/api/admin/database-hosts");
    expect(listed.status, listed.text).toBe(200);
    return listed.json().databaseHosts;
  }

  beforeAll(async () => {
    port = await freePort();
    director = await DirectorProcess.create({ DIRECTOR_SITE_DATABASE_PORT: String(port) });
    await director.start(180_000);
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
    networkName = `director-${await director.installationId()}-sites`;
    const network = await new Docker().getNetwork(networkName).inspect();
    gateway = network.IPAM?.Config?.[0]?.Gateway ?? "";
    expect(gateway).toMatch(/^[0-9.]+$/);
    const adminPassword = (await readFile(path.join(director.dataDir, "site-postgres.password"), "utf8")).trim();
    adminUrl = `postgres://postgres:${encodeURIComponent(adminPassword)}@${gateway}:${port}/postgres`;
  }, 240_000);

  afterAll(async () => {
    await director?.dispose();
  });

  it("is registered as the host `local`, on the gateway, and passes the orchestrator's check", async () => {
    expect(await hosts()).toEqual([
      expect.objectContaining({
        name: "local",
        kind: "postgres",
        siteHost: gateway,
        sitePort: port,
        adminUser: "postgres",
        adminAddress: `${gateway}:${port}`,
        maxDatabases: 1000,
        isAccepting: true,
      }),
    ]);
    // A new admin URL is checked by the orchestrator before it is stored: the same one, to run the check.
    const checked = await api.request("PATCH", "/api/admin/database-hosts/local", { json: { adminUrl } });
    expect(checked.status, checked.text).toBe(200);
    const refused = await api.request("PATCH", "/api/admin/database-hosts/local", {
      json: { adminUrl: adminUrl.replace(`@${gateway}:`, "@127.0.0.1:") },
    });
    expect(refused.status, refused.text).toBe(503);
  }, 60_000);

  it("listens on the sites network's gateway and on no other address of this machine", async () => {
    const postmasterPid = (await readFile(path.join(director.dataDir, "site-postgres", "postmaster.pid"), "utf8"))
      .split("\n")[0]
      ?.trim();
    const listening = await runCommand(["ss", "-ltnpH"]);
    const own = listening.stdout.split("\n").filter((line) => line.includes(`pid=${postmasterPid},`));
    expect(own.map((line) => line.trim().split(/\s+/)[3])).toEqual([`${gateway}:${port}`]);
    expect(await opensFromHost("127.0.0.1", port)).toBe(false);
    const eth = await runCommand(["ip", "-4", "-o", "addr", "show", "scope", "global"]);
    const addresses = [...eth.stdout.matchAll(/inet ([0-9.]+)\//g)].map((match) => match[1] ?? "");
    for (const address of addresses.filter((address) => address !== gateway)) {
      expect([address, await opensFromHost(address, port)]).toEqual([address, false]);
    }
    expect(await opensFromHost(gateway, port)).toBe(true);
  }, 60_000);

  it("is reached from a container on the sites network, and lets a site's role reach only its own database", async () => {
    // The server answers a startup message with an authentication request ('R') when a pg_hba rule matched, and with
    // an error naming pg_hba.conf when none did (or one rejects). It then waits for a password: `timeout` ends nc.
    const ask = (user: string, database: string) =>
      inSitesNetwork(`printf '${startupMessageEscaped(user, database)}' | timeout 3 nc -w 3 ${gateway} ${port}`);
    const sameUser = await ask("site_alice", "site_alice");
    expect(sameUser.stdout.startsWith("R"), JSON.stringify(sameUser)).toBe(true);
    const otherDatabase = await ask("site_alice", "site_bob");
    expect(otherDatabase.stdout).toContain("no pg_hba.conf entry");
    const superuser = await ask("postgres", "postgres");
    expect(superuser.stdout).toContain("pg_hba.conf rejects connection");
  }, 120_000);

  it("runs PostgreSQL 15, whose site database a member exports and imports back through the API", async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      expect((await admin.query("show server_version")).rows).toEqual([
        { server_version: expect.stringMatching(/^15\./) },
      ]);
    } finally {
      await admin.end();
    }
    await director.run(["admin", "create-user", "--username", "ann"], `${password}\n`);
    const ann = await ApiSession.login(director.managerUrl, "ann", password);
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "notes", type: "static" } });
    expect(created.status, created.text).toBe(201);
    const added = await api.request("POST", "/api/sites/notes/members", { json: { username: "ann" } });
    expect(added.status, added.text).toBe(201);
    const made = await ann.request("POST", "/api/sites/notes/database?wait=true", { json: { kind: "postgres" } });
    expect(made.status, made.text).toBe(201);
    expect(made.json().database).toMatchObject({ host: gateway, port });
    const query = async (statement: string) => {
      const answer = await ann.request("POST", "/api/sites/notes/database/query", { json: { statement } });
      expect(answer.status, `${statement}: ${answer.text}`).toBe(200);
      return answer.json().rows;
    };
    await query("CREATE TABLE notes (id int PRIMARY KEY, body text)");
    await query("INSERT INTO notes VALUES (1, 'exported'), (2, 'and imported')");

    const exported = await ann.request("GET", "/api/sites/notes/database/export");
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.subarray(0, 5).toString("latin1")).toBe("PGDMP"); // pg_dump's custom format
    await query("DROP TABLE notes");
    const imported = await ann.request("POST", "/api/sites/notes/database/import", {
      body: exported.body,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(imported.status, imported.text).toBe(200);
    expect(await query("SELECT id, body FROM notes ORDER BY id")).toEqual([
      ["1", "exported"],
      ["2", "and imported"],
    ]);
  }, 120_000);

  it("keeps its data and an administrator's settings across a restart", async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query("create database kept_across_restart");
      const revoked = await admin.query<{ datname: string; hasPublicConnect: boolean }>(
        `select datname, has_database_privilege('public', datname, 'CONNECT') as "hasPublicConnect"
           from pg_database where datname in ('postgres', 'template1') order by datname`,
      );
      expect(revoked.rows).toEqual([
        { datname: "postgres", hasPublicConnect: false },
        { datname: "template1", hasPublicConnect: false },
      ]);
    } finally {
      await admin.end();
    }
    const changed = await api.request("PATCH", "/api/admin/database-hosts/local", {
      json: { isAccepting: false, maxDatabases: 7 },
    });
    expect(changed.status, changed.text).toBe(200);

    expect(await director.stop()).toBe(0);
    await director.start(180_000);
    api = await ApiSession.login(director.managerUrl, "admin", password);
    expect(await hosts()).toEqual([
      expect.objectContaining({
        name: "local",
        siteHost: gateway,
        sitePort: port,
        isAccepting: false,
        maxDatabases: 7,
      }),
    ]);
    const again = new pg.Client({ connectionString: adminUrl });
    await again.connect();
    try {
      const found = await again.query("select 1 from pg_database where datname = 'kept_across_restart'");
      expect(found.rowCount).toBe(1);
    } finally {
      await again.end();
    }
  }, 300_000);
});
