/**
 * Site databases on a real `director up`, on the machine's PostgreSQL 15 and MariaDB 10.11 registered as hosts (the
 * orchestrator makes and drops databases there as their admin): a member adds a database, reads how to connect
 * (never the password, unless asked), connects with it, rotates it and deletes it; the site's process, its terminal
 * and a deleted site follow. Another person sees and changes nothing, and each refusal changes nothing.
 *
 * The machine's PostgreSQL trusts connections from 127.0.0.1, so its passwords are not checked here (MariaDB's are, and
 * the engines' own tests check PostgreSQL's on a server that asks for them); its rights are.
 */
import { readFile, rm } from "node:fs/promises";
import { httpRequest } from "@director/testing/http-request";
import { openTerminalTestClient } from "@director/testing/terminal-client";
import mysql from "mysql2/promise";
import pg from "pg";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  horizontalOverflowPx,
  launchChromium,
  logInAcceptingGuidelines,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";
const postgresHost = {
  name: "machine-pg",
  kind: "postgres",
  siteHost: "127.0.0.1",
  sitePort: 5432,
  adminUrl: "postgres://postgres@127.0.0.1:5432/postgres",
  maxDatabases: 10,
};
const mariadbHost = {
  name: "machine-mariadb",
  kind: "mysql",
  siteHost: "127.0.0.1",
  sitePort: 3306,
  adminUrl: "mysql://root@127.0.0.1:3306",
  maxDatabases: 10,
};

/** What PostgreSQL's admin sees of the databases and roles named `name`. */
async function postgresHas(name: string): Promise<{ database: boolean; role: boolean }> {
  const client = new pg.Client({ connectionString: postgresHost.adminUrl });
  await client.connect();
  try {
    const database = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    const role = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
    return { database: database.rowCount === 1, role: role.rowCount === 1 };
  } finally {
    await client.end();
  }
}

async function mariadbHas(name: string): Promise<{ database: boolean; user: boolean }> {
  const connection = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: "root" });
  try {
    const [databases] = await connection.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [
      name,
    ]);
    const [users] = await connection.query("SELECT 1 FROM mysql.user WHERE user = ?", [name]);
    return { database: (databases as unknown[]).length === 1, user: (users as unknown[]).length === 1 };
  } finally {
    await connection.end();
  }
}

describe("director up: a site's database", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let ann: ApiSession;
  let eve: ApiSession;

  beforeAll(async () => {
    // Only the hosts this test registers: no `director up` host of its own.
    director = await DirectorProcess.create({
      DIRECTOR_LOCAL_DATABASE_HOST: "false",
      // a step failing for a passing reason is tried three times, so the failure test ends in seconds
      DIRECTOR_STEP_MAX_ATTEMPTS: "3",
      // the size check measures every database every 2 s, so a database that grows past its limit is stopped quickly
      DIRECTOR_DATABASE_SIZE_CHECK_INTERVAL_MS: "2000",
    });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    for (const username of ["ann", "eve"]) {
      await director.run(["admin", "create-user", "--username", username], `${password}\n`);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    eve = await ApiSession.login(director.managerUrl, "eve", password);
    for (const [name, type] of [
      ["notes", "static"],
      ["app", "dynamic"],
      ["shop", "static"],
    ]) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name, type } });
      expect(created.status, created.text).toBe(201);
      const added = await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "ann" } });
      expect(added.status, added.text).toBe(201);
    }
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const database = async (who: ApiSession, site: string) =>
    (await who.request("GET", `/api/sites/${site}/database`)).json();

  it("refuses a database while no host takes its kind, and records nothing", async () => {
    const refused = await ann.request("POST", "/api/sites/notes/database", { json: { kind: "postgres" } });
    expect([refused.status, refused.json().error.code]).toEqual([409, "NO_DATABASE_HOST"]);
    const noConsole = await ann.request("POST", "/api/sites/notes/database/query", { json: { statement: "SELECT 1" } });
    expect([noConsole.status, noConsole.json().error.code]).toEqual([404, "SITE_DATABASE_NOT_FOUND"]);
    expect(await database(ann, "notes")).toEqual({ database: null });
    for (const host of [postgresHost, mariadbHost]) {
      const registered = await admin.request("POST", "/api/admin/database-hosts", { json: host });
      expect(registered.status, registered.text).toBe(201);
    }
  });

  it("makes a PostgreSQL database the member connects to, showing the password only when asked", async () => {
    const created = await ann.request("POST", "/api/sites/notes/database?wait=true", { json: { kind: "postgres" } });
    expect(created.status, created.text).toBe(201);
    const { database: made, operation } = created.json();
    expect(operation.status).toBe("succeeded");
    expect(made).toMatchObject({ kind: "postgres", status: "ready", host: "127.0.0.1", port: 5432 });
    expect(made.name).toMatch(/^dir_[a-z0-9]+_s\d+$/);
    expect(made.url).toBe(`postgres://${made.name}@127.0.0.1:5432/${made.name}`);
    expect(made.environment).toContain("DATABASE_URL");
    // Its size, from the host (an empty PostgreSQL database takes a few MiB).
    expect((await database(ann, "notes")).database.sizeBytes).toBeGreaterThan(1024 * 1024);
    expect(await postgresHas(made.name)).toEqual({ database: true, role: true });

    const revealed = await ann.request("POST", "/api/sites/notes/database/password");
    expect(revealed.status, revealed.text).toBe(200);
    const { password: secret, url } = revealed.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(url).toBe(`postgres://${made.name}:${secret}@127.0.0.1:5432/${made.name}`);
    // Nowhere else: not in the listing, nor in the operation, nor in the audit log.
    expect((await ann.request("GET", "/api/sites/notes/database")).text).not.toContain(secret);
    expect(created.text).not.toContain(secret);
    const audit = await admin.request("GET", "/api/admin/audit?limit=50");
    expect(audit.text).toContain("site.show_database_password");
    expect(audit.text).not.toContain(secret);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("CREATE TABLE notes (body text)");
      await client.query("INSERT INTO notes VALUES ('hello from a site')");
      expect((await client.query("SELECT body FROM notes")).rows).toEqual([{ body: "hello from a site" }]);
      const owner = await client.query("SELECT tableowner FROM pg_tables WHERE tablename = 'notes'");
      expect(owner.rows).toEqual([{ tableowner: made.name }]);
    } finally {
      await client.end();
    }
  });

  it("runs one statement at a time in the SQL console, as the site's user, within its limits", async () => {
    const query = (statement: string, extra: Record<string, number> = {}) =>
      ann.request("POST", "/api/sites/notes/database/query", { json: { statement, ...extra } });
    const selected = await query("SELECT body, NULL AS nothing FROM notes");
    expect(selected.status, selected.text).toBe(200);
    expect(selected.json()).toMatchObject({
      command: "SELECT",
      columns: [{ name: "body" }, { name: "nothing" }],
      rows: [["hello from a site", null]],
      rowCount: 1,
      truncated: false,
    });
    const two = await query("SELECT 1; DROP TABLE notes");
    expect([two.status, two.json().error.code]).toEqual([422, "SQL_STATEMENT_FAILED"]);
    const limited = await query("SELECT generate_series(1, 100)", { maxRows: 10 });
    expect(limited.json()).toMatchObject({ rowCount: 10, truncated: true });
    const slow = await query("SELECT pg_sleep(20)", { timeoutMs: 500 });
    expect([slow.status, slow.json().error.code]).toEqual([422, "SQL_STATEMENT_TIMEOUT"]);
    const secrets = await query("SELECT rolpassword FROM pg_authid");
    expect([secrets.status, secrets.json().error.code]).toEqual([422, "SQL_STATEMENT_FAILED"]);
    // The table is still there: the second statement never ran.
    expect((await query("SELECT count(*) FROM notes")).json().rows).toEqual([["1"]]);
  });

  /** Polls the member's view of the site's database until `isDone` holds (the background size check runs every 2 s). */
  const databaseUntil = async (site: string, isDone: (view: Record<string, unknown>) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const view = (await database(ann, site)).database;
      if (isDone(view) || Date.now() > deadline) return view;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  it("holds a PostgreSQL database to an administrator's size limit: past it the site's writes stop", async () => {
    const query = (statement: string) =>
      ann.request("POST", "/api/sites/notes/database/query", { json: { statement } });
    const limitUrl = "/api/sites/notes/database/size-limit";
    // Measured by the background check, with the installation's default limit (1 GiB) in force.
    const measured = await databaseUntil("notes", (view) => view.sizeMeasuredAt !== null);
    expect(measured).toMatchObject({ sizeLimitBytes: 1024 ** 3, hasOwnSizeLimit: false, writesStoppedAt: null });

    // Bad input and a member's try change nothing.
    for (const body of [{ sizeLimitBytes: 0 }, { sizeLimitBytes: "big" }, { sizeLimitBytes: 2 * 1024 ** 4 }, {}]) {
      const refused = await admin.request("PUT", limitUrl, { json: body });
      expect([refused.status, refused.json().error.code], JSON.stringify(body)).toEqual([400, "VALIDATION_FAILED"]);
    }
    const byMember = await ann.request("PUT", limitUrl, { json: { sizeLimitBytes: 1 } });
    expect([byMember.status, byMember.json().error.code]).toEqual([403, "FORBIDDEN"]);
    const noDatabase = await admin.request("PUT", "/api/sites/shop/database/size-limit", {
      json: { sizeLimitBytes: 1 },
    });
    expect([noDatabase.status, noDatabase.json().error.code]).toEqual([404, "SITE_DATABASE_NOT_FOUND"]);
    expect((await database(ann, "notes")).database).toMatchObject({ hasOwnSizeLimit: false, writesStoppedAt: null });

    // A limit a little above its size: the member fills it past, and the background check stops the writes.
    const limit = Number(measured.sizeBytes) + 4 * 1024 * 1024;
    const set = await admin.request("PUT", limitUrl, { json: { sizeLimitBytes: limit } });
    expect(set.status, set.text).toBe(200);
    expect(set.json().database).toMatchObject({ sizeLimitBytes: limit, hasOwnSizeLimit: true, writesStoppedAt: null });
    const filled = await query("CREATE TABLE filler AS SELECT repeat('x', 1000) AS pad FROM generate_series(1, 16000)");
    expect(filled.status, filled.text).toBe(200);
    const stopped = await databaseUntil("notes", (view) => view.writesStoppedAt !== null);
    expect(stopped.writesStoppedAt, "stopped by the background check").not.toBeNull();
    expect(Number(stopped.sizeBytes)).toBeGreaterThan(limit);
    const write = await query("INSERT INTO notes (body) VALUES ('past the limit')");
    expect([write.status, write.json().error.code]).toEqual([422, "SQL_STATEMENT_FAILED"]);
    expect(write.json().error.message).toMatch(/read-only/);
    // Reading still works.
    expect((await query("SELECT count(*) FROM notes")).json().rows).toEqual([["1"]]);
    // Administrators see it among the largest, and the audit log says when and why.
    const largest = await admin.request("GET", "/api/admin/site-databases?limit=5");
    expect(largest.status, largest.text).toBe(200);
    expect(largest.json().defaultSizeLimitBytes).toBe(1024 ** 3);
    expect(largest.json().databases).toContainEqual(
      expect.objectContaining({ site: "notes", host: "machine-pg", kind: "postgres", sizeLimitBytes: limit }),
    );
    const notListed = await ann.request("GET", "/api/admin/site-databases");
    expect(notListed.status).toBe(403);
    const audit = await admin.request("GET", "/api/admin/audit?action=site.database_writes_stopped");
    expect(audit.json().events).toContainEqual(expect.objectContaining({ target: "site:notes" }));

    // Back to the default: allowed again before the answer, and the member writes and frees the space.
    const reset = await admin.request("PUT", limitUrl, { json: { sizeLimitBytes: null } });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.json().database).toMatchObject({ hasOwnSizeLimit: false, writesStoppedAt: null });
    expect((await query("DROP TABLE filler")).status).toBe(200);
    // A limit below its size stops the writes at once, without waiting for the background check.
    const low = await admin.request("PUT", limitUrl, { json: { sizeLimitBytes: 1024 } });
    expect(low.json().database.writesStoppedAt).not.toBeNull();
    const refused = await query("INSERT INTO notes (body) VALUES ('still past')");
    expect(refused.status).toBe(422);
    expect((await admin.request("PUT", limitUrl, { json: { sizeLimitBytes: null } })).status).toBe(200);
    expect((await query("INSERT INTO notes (body) VALUES ('under it again')")).status).toBe(200);
    expect((await query("DELETE FROM notes WHERE body = 'under it again'")).status).toBe(200);
  });

  it("shows another person nothing and lets them change nothing", async () => {
    for (const [method, url, body] of [
      ["GET", "/api/sites/notes/database", undefined],
      ["POST", "/api/sites/notes/database", { kind: "mysql" }],
      ["POST", "/api/sites/notes/database/password", undefined],
      ["POST", "/api/sites/notes/database/rotation", undefined],
      ["DELETE", "/api/sites/notes/database", { confirmName: "notes" }],
      ["POST", "/api/sites/notes/database/query", { statement: "SELECT 1" }],
    ] as const) {
      const refused = await eve.request(method, url, body === undefined ? {} : { json: body });
      expect([refused.status, refused.json().error.code], `${method} ${url}`).toEqual([404, "SITE_NOT_FOUND"]);
    }
    expect((await database(ann, "notes")).database.status).toBe("ready");
  });

  it("refuses a second database, a kind it does not know and a wrong confirmation, changing nothing", async () => {
    const second = await ann.request("POST", "/api/sites/notes/database", { json: { kind: "mysql" } });
    expect([second.status, second.json().error.code]).toEqual([409, "SITE_DATABASE_EXISTS"]);
    const unknown = await ann.request("POST", "/api/sites/shop/database", { json: { kind: "oracle" } });
    expect([unknown.status, unknown.json().error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(await database(ann, "shop")).toEqual({ database: null });
    const unconfirmed = await ann.request("DELETE", "/api/sites/notes/database", { json: { confirmName: "note" } });
    expect([unconfirmed.status, unconfirmed.json().error.code]).toEqual([400, "CONFIRMATION_MISMATCH"]);
    const kept = (await database(ann, "notes")).database;
    expect(kept.status).toBe("ready");
    expect(await postgresHas(kept.name)).toEqual({ database: true, role: true });
    const inUse = await admin.request("DELETE", "/api/admin/database-hosts/machine-pg");
    expect([inUse.status, inUse.json().error.code]).toEqual([409, "DATABASE_HOST_IN_USE"]);
  });

  it("gives the site's terminal the database's variables", async () => {
    const { database: made } = await database(ann, "notes");
    const { password: secret } = (await ann.request("POST", "/api/sites/notes/database/password")).json();
    const url = `${director.managerUrl.replace(/^http/, "ws")}/api/sites/notes/terminal`;
    const terminal = await openTerminalTestClient(url, { authorization: `Bearer ${ann.token}` });
    try {
      await terminal.waitForReady(90_000);
      const printed = await terminal.run('echo "$DIRECTOR_DATABASE_TYPE $DIRECTOR_DATABASE_NAME $DATABASE_URL"');
      expect(printed.trim()).toBe(
        `postgres ${made.name} postgres://${made.name}:${secret}@127.0.0.1:5432/${made.name}`,
      );
    } finally {
      terminal.close();
    }
  });

  it("in the browser: a member adds a database, reads its password when asked, and deletes it", async () => {
    const browser: Browser = await launchChromium();
    try {
      for (const isPhone of [false, true]) {
        const page = await (await newUserContext(browser, director.managerUrl, { isPhone })).newPage();
        const pageErrors = collectPageErrors(page);
        await logInAcceptingGuidelines(page, "ann", password);
        await page.goto("/sites/shop");
        const panel = page.getByRole("region", { name: "Database" });
        // Made on the laptop; the phone finds it there.
        if (!isPhone) {
          await panel.getByText("The site has no database.").waitFor();
          await panel.getByLabel("Kind").selectOption("postgres");
          await panel.getByRole("button", { name: "Add a database" }).click();
        }
        await panel.getByTestId("database-status").filter({ hasText: "Ready" }).waitFor({ timeout: 60_000 });
        const { database: made } = await database(ann, "shop");
        await panel.getByText(made.name, { exact: true }).waitFor();
        expect(await panel.getByTestId("database-password").count()).toBe(0);
        await panel.getByRole("button", { name: "Show password" }).click();
        const shown = await panel.getByTestId("database-password").textContent();
        const revealed = (await ann.request("POST", "/api/sites/shop/database/password")).json();
        expect(shown).toBe(revealed.password);
        const console = panel.getByLabel("One statement, run as the site's database user");
        await console.fill(isPhone ? "SELECT 'phone' AS device" : "CREATE TABLE visits (at text)");
        await panel.getByRole("button", { name: "Run", exact: true }).click();
        await panel
          .getByTestId("sql-answer")
          .getByText(isPhone ? "SELECT · 1 row" : "CREATE · 0 affected")
          .waitFor();
        if (isPhone) {
          await panel.getByRole("cell", { name: "phone" }).waitFor();
        } else {
          await console.fill("SELECT at FROM nowhere");
          await panel.getByRole("button", { name: "Run", exact: true }).click();
          await panel.getByText(/relation "nowhere" does not exist/).waitFor();
        }
        await screenshot(page, isPhone ? "site-database-phone" : "site-database");
        expect(await horizontalOverflowPx(page)).toBeLessThanOrEqual(0);
        if (!isPhone) {
          // Export saves the dump (pg_dump's custom format starts with PGDMP) under the site's name and the date.
          const saving = page.waitForEvent("download");
          await panel.getByRole("button", { name: "Export", exact: true }).click();
          const saved = await saving;
          expect(saved.suggestedFilename()).toMatch(/^shop-\d{4}-\d{2}-\d{2}\.dump$/);
          const savedPath = await saved.path();
          expect((await readFile(savedPath)).subarray(0, 5).toString()).toBe("PGDMP");
          // The same console in the workspace, under the editor beside the terminals.
          await page.goto("/sites/shop/workspace");
          await page.getByRole("tab", { name: "SQL" }).click();
          const sql = page.getByRole("tabpanel", { name: "SQL" });
          await sql
            .getByLabel("One statement, run as the site's database user")
            .fill("SELECT 'in the workspace' AS place");
          await sql.getByRole("button", { name: "Run", exact: true }).click();
          await sql.getByRole("cell", { name: "in the workspace" }).waitFor();
          await page.goto("/sites/shop");
        }
        if (isPhone) {
          const confirm = panel.getByLabel(/Type shop to delete the database/);
          await confirm.fill("sho");
          await expect(panel.getByRole("button", { name: "Delete database" }).isDisabled()).resolves.toBe(true);
          await confirm.fill("shop");
          await panel.getByRole("button", { name: "Delete database" }).click();
          await panel.getByText("The site has no database.").waitFor({ timeout: 60_000 });
          expect(await postgresHas(made.name)).toEqual({ database: false, role: false });
        }
        expect(pageErrors).toEqual([]);
        await page.context().close();
      }
    } finally {
      await browser.close();
    }
  });

  it("makes a MariaDB database whose password a rotation changes, in the site's process too", async () => {
    const script =
      '#!/bin/sh\nmkdir -p /site/www\necho "$DIRECTOR_DATABASE_NAME $DIRECTOR_DATABASE_PASSWORD" > /site/www/index.html\nexec httpd -f -p "$PORT" -h /site/www\n';
    const uploaded = await ann.request("PUT", "/api/sites/app/files/run.sh?mode=755", { body: script });
    expect(uploaded.status, uploaded.text).toBe(200);
    const created = await ann.request("POST", "/api/sites/app/database?wait=true", { json: { kind: "mysql" } });
    expect(created.status, created.text).toBe(201);
    const { name } = created.json().database;
    expect(await mariadbHas(name)).toEqual({ database: true, user: true });
    const first = (await ann.request("POST", "/api/sites/app/database/password")).json().password;
    await expect(served("app")).resolves.toBe(`${name} ${first}\n`);
    const connect = (secret: string) =>
      mysql.createConnection({ host: "127.0.0.1", port: 3306, user: name, password: secret, database: name });
    await (await connect(first)).end();

    const rotated = await ann.request("POST", "/api/sites/app/database/rotation?wait=true");
    expect(rotated.status, rotated.text).toBe(200);
    const second = (await ann.request("POST", "/api/sites/app/database/password")).json().password;
    expect(second).not.toBe(first);
    await expect(connect(first)).rejects.toMatchObject({ code: "ER_ACCESS_DENIED_ERROR" });
    await (await connect(second)).end();
    // The process restarted with the new password.
    await expect(served("app", `${name} ${second}\n`)).resolves.toBe(`${name} ${second}\n`);
  });

  it("holds a MariaDB database to its limit: past it only reading and freeing space remain, then writes return", async () => {
    const query = (statement: string) => ann.request("POST", "/api/sites/app/database/query", { json: { statement } });
    const limitUrl = "/api/sites/app/database/size-limit";
    const created = await query("CREATE TABLE filler (pad VARCHAR(1000))");
    expect(created.status, created.text).toBe(200);
    const measured = await databaseUntil("app", (view) => view.sizeMeasuredAt !== null);
    const limit = Number(measured.sizeBytes) + 2 * 1024 * 1024;
    expect((await admin.request("PUT", limitUrl, { json: { sizeLimitBytes: limit } })).status).toBe(200);
    // InnoDB counts a table's pages (16 KiB each), so about 6 MiB of rows pass the limit clearly.
    const filled = await query("INSERT INTO filler SELECT REPEAT('x', 1000) FROM seq_1_to_6000");
    expect(filled.status, filled.text).toBe(200);
    const stopped = await databaseUntil("app", (view) => view.writesStoppedAt !== null);
    expect(stopped.writesStoppedAt, "stopped by the background check").not.toBeNull();
    const write = await query("INSERT INTO filler VALUES ('one more')");
    expect([write.status, write.json().error.code]).toEqual([422, "SQL_STATEMENT_FAILED"]);
    expect(write.json().error.message).toMatch(/denied/i);
    const make = await query("CREATE TABLE more (id INT)");
    expect(make.status).toBe(422);
    expect((await query("SELECT COUNT(*) FROM filler")).json().rows).toEqual([["6000"]]);
    // Freeing space is allowed; the background check sees it and gives the writes back.
    expect((await query("DROP TABLE filler")).status).toBe(200);
    const allowed = await databaseUntil("app", (view) => view.writesStoppedAt === null);
    expect(allowed.writesStoppedAt, "allowed again by the background check").toBeNull();
    expect((await query("CREATE TABLE more (id INT)")).status).toBe(200);
    expect((await query("INSERT INTO more VALUES (1)")).status).toBe(200);
    const audit = await admin.request("GET", "/api/admin/audit?action=site.database_writes_allowed");
    expect(audit.json().events).toContainEqual(expect.objectContaining({ target: "site:app" }));
  });

  it("in the browser: an administrator limits a database, the member sees its writes stopped, both see its size", async () => {
    const browser: Browser = await launchChromium();
    try {
      const adminPage = await (await newUserContext(browser, director.managerUrl)).newPage();
      const adminErrors = collectPageErrors(adminPage);
      await logInAcceptingGuidelines(adminPage, "admin", password);
      await adminPage.goto("/sites/notes");
      const panel = adminPage.getByRole("region", { name: "Database" });
      await panel.getByRole("meter", { name: "Space the database takes of its limit" }).waitFor();
      await panel
        .getByTestId("database-size")
        .getByText(/ of 1\.0 GiB$/)
        .waitFor();
      // 1 MiB is less than an empty PostgreSQL database takes: the writes stop before the answer.
      await panel.getByLabel("Size limit (MiB)").fill("1");
      await panel.getByRole("button", { name: "Set limit" }).click();
      await panel.getByTestId("database-writes-stopped").waitFor();
      await panel
        .getByTestId("database-size")
        .getByText(/ of 1\.0 MiB$/)
        .waitFor();
      await screenshot(adminPage, "site-database-limit");
      expect((await database(ann, "notes")).database).toMatchObject({ sizeLimitBytes: 1024 * 1024 });

      // The member, on a phone: the notice says what happened and what still works; no limit field.
      const memberPage = await (await newUserContext(browser, director.managerUrl, { isPhone: true })).newPage();
      const memberErrors = collectPageErrors(memberPage);
      await logInAcceptingGuidelines(memberPage, "ann", password);
      await memberPage.goto("/sites/notes");
      const memberPanel = memberPage.getByRole("region", { name: "Database" });
      await memberPanel.getByTestId("database-writes-stopped").getByText("Writes are stopped").waitFor();
      await memberPanel.getByText(/New transactions are read-only/).waitFor();
      expect(await memberPanel.getByLabel("Size limit (MiB)").count()).toBe(0);
      await screenshot(memberPage, "site-database-stopped-phone");
      expect(await horizontalOverflowPx(memberPage)).toBeLessThanOrEqual(0);

      // The administrators' list of the largest, then back to the default.
      await adminPage.goto("/admin/database-hosts");
      const largest = adminPage.getByRole("region", { name: "Largest databases" });
      await largest
        .locator('tr[data-site="notes"]')
        .getByText(/stopped since/)
        .waitFor();
      await screenshot(adminPage, "admin-largest-databases");
      await adminPage.goto("/sites/notes");
      await panel.getByRole("button", { name: "Use the default" }).click();
      await panel
        .getByTestId("database-size")
        .getByText(/ of 1\.0 GiB$/)
        .waitFor();
      expect(await panel.getByTestId("database-writes-stopped").count()).toBe(0);
      expect((await database(ann, "notes")).database).toMatchObject({ hasOwnSizeLimit: false, writesStoppedAt: null });
      expect([...adminErrors, ...memberErrors]).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("deletes a database with its user once the site's name is typed, and a deleted site's with the site", async () => {
    const notesName = (await database(ann, "notes")).database.name;
    const deleted = await ann.request("DELETE", "/api/sites/notes/database?wait=true", {
      json: { confirmName: "notes" },
    });
    expect(deleted.status, deleted.text).toBe(200);
    expect(await database(ann, "notes")).toEqual({ database: null });
    expect(await postgresHas(notesName)).toEqual({ database: false, role: false });

    const appName = (await database(ann, "app")).database.name;
    const siteDeleted = await admin.request("DELETE", "/api/sites/app?wait=true", { json: { confirmName: "app" } });
    expect(siteDeleted.status, siteDeleted.text).toBe(200);
    expect(await mariadbHas(appName)).toEqual({ database: false, user: false });
    // With no database left on it, the host can go.
    const removed = await admin.request("DELETE", "/api/admin/database-hosts/machine-mariadb");
    expect(removed.status, removed.text).toBe(204);
  });

  it("keeps a database whose making failed out of sight, and makes it when an administrator retries", async () => {
    // A MariaDB admin account of this test's own, which it locks behind Director's back.
    const adminName = `e2e_admin_${Date.now().toString(36)}`;
    const adminSecret = "Adm1n-e2e-pa55word";
    const root = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: "root" });
    try {
      await root.query(`CREATE USER '${adminName}'@'%' IDENTIFIED BY '${adminSecret}'`);
      await root.query(`GRANT ALL PRIVILEGES ON *.* TO '${adminName}'@'%' WITH GRANT OPTION`);
      const registered = await admin.request("POST", "/api/admin/database-hosts", {
        json: {
          ...mariadbHost,
          name: "locked-mariadb",
          adminUrl: `mysql://${adminName}:${adminSecret}@127.0.0.1:3306`,
        },
      });
      expect(registered.status, registered.text).toBe(201);
      // Locked, and its open connections (the orchestrator keeps a pool per host) ended, so the next step cannot log in.
      await root.query(`ALTER USER '${adminName}'@'%' ACCOUNT LOCK`);
      const [sessions] = await root.query("SELECT id FROM information_schema.processlist WHERE user = ?", [adminName]);
      for (const { id } of sessions as Array<{ id: number }>)
        await root.query(`KILL ${Number(id)}`).catch(() => undefined);

      const created = await ann.request("POST", "/api/sites/shop/database?wait=true", { json: { kind: "mysql" } });
      expect(created.status, created.text).toBe(201);
      const failed = created.json().operation;
      expect(failed.status).toBe("failed");
      // Half made: nothing to connect to, no password to reveal, nothing on the host.
      const { database: waiting } = await database(ann, "shop");
      expect(waiting).toMatchObject({ status: "creating", name: null, url: null });
      const noPassword = await ann.request("POST", "/api/sites/shop/database/password");
      expect([noPassword.status, noPassword.json().error.code]).toEqual([409, "SITE_DATABASE_NOT_READY"]);

      await root.query(`ALTER USER '${adminName}'@'%' ACCOUNT UNLOCK`);
      const retried = await admin.request("POST", `/api/admin/operations/${failed.id}/retry`);
      expect(retried.status, retried.text).toBe(202);
      expect((await admin.waitForOperation(failed.id, 60_000)).status).toBe("succeeded");
      const { database: made } = await database(ann, "shop");
      expect(made).toMatchObject({ kind: "mysql", status: "ready" });
      expect(await mariadbHas(made.name)).toEqual({ database: true, user: true });

      const deleted = await ann.request("DELETE", "/api/sites/shop/database?wait=true", {
        json: { confirmName: "shop" },
      });
      expect(deleted.status, deleted.text).toBe(200);
      expect(await mariadbHas(made.name)).toEqual({ database: false, user: false });
    } finally {
      await root.query(`DROP USER IF EXISTS '${adminName}'@'%'`);
      await root.end();
    }
  });

  /** The site's page through the sites port, once it is `expected` (or has answered 200, without `expected`). */
  async function served(site: string, expected?: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await httpRequest({
        url: `${director.sitesUrl}/`,
        host: `${site}.sites.localhost:${director.ports.sites}`,
      });
      const isDone = answer.status === 200 && (expected === undefined || answer.text === expected);
      if (isDone || Date.now() > deadline) return answer.text;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
});
