/**
 * Exports and imports of site databases through the manager's API on a real `director up`, with the machine's
 * PostgreSQL 15 and MariaDB 10.11 registered as hosts: a member downloads a dump, drops a table, uploads the dump and
 * has the rows back; an upload past the limit is refused with 413 and changes nothing; a dump that tries to run a
 * program on the orchestrator's machine or to grant itself more fails; a stranger sees no site.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";
const maxImportBytes = 256 * 1024;
const hosts = [
  {
    name: "xfer-pg",
    kind: "postgres",
    siteHost: "127.0.0.1",
    sitePort: 5432,
    adminUrl: "postgres://postgres@127.0.0.1:5432/postgres",
    maxDatabases: 10,
  },
  {
    name: "xfer-mariadb",
    kind: "mysql",
    siteHost: "127.0.0.1",
    sitePort: 3306,
    adminUrl: "mysql://root@127.0.0.1:3306",
    maxDatabases: 10,
  },
];

describe("director up: exporting and importing a site's database", () => {
  let director: DirectorProcess;
  let ann: ApiSession;
  let eve: ApiSession;

  beforeAll(async () => {
    director = await DirectorProcess.create({
      DIRECTOR_LOCAL_DATABASE_HOST: "false",
      DIRECTOR_MAX_DATABASE_IMPORT_BYTES: String(maxImportBytes),
    });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    for (const username of ["ann", "eve"]) {
      await director.run(["admin", "create-user", "--username", username], `${password}\n`);
    }
    const admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    eve = await ApiSession.login(director.managerUrl, "eve", password);
    for (const host of hosts) {
      const registered = await admin.request("POST", "/api/admin/database-hosts", { json: host });
      expect(registered.status, registered.text).toBe(201);
    }
    for (const [site, kind] of [
      ["pgsite", "postgres"],
      ["mysite", "mysql"],
    ]) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: site, type: "static" } });
      expect(created.status, created.text).toBe(201);
      const added = await admin.request("POST", `/api/sites/${site}/members`, { json: { username: "ann" } });
      expect(added.status, added.text).toBe(201);
      const made = await ann.request("POST", `/api/sites/${site}/database?wait=true`, { json: { kind } });
      expect(made.status, made.text).toBe(201);
    }
  });

  afterAll(async () => {
    for (const site of ["pgsite", "mysite"]) {
      await ann?.request("DELETE", `/api/sites/${site}/database?wait=true`, { json: { confirmName: site } });
    }
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const query = async (site: string, statement: string) => {
    const answer = await ann.request("POST", `/api/sites/${site}/database/query`, { json: { statement } });
    expect(answer.status, `${statement}: ${answer.text}`).toBe(200);
    return answer.json();
  };

  for (const [site, extension] of [
    ["pgsite", "dump"],
    ["mysite", "sql"],
  ] as const) {
    it(`round-trips ${site}'s database: export, drop a table, import`, async () => {
      await query(site, "CREATE TABLE notes (id int primary key, body varchar(20))");
      await query(site, "INSERT INTO notes VALUES (1, 'one'), (2, 'two'), (3, 'three')");
      const exported = await ann.request("GET", `/api/sites/${site}/database/export`);
      expect(exported.status, exported.text).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(exported.headers["content-disposition"]).toBe(`attachment; filename="${site}-${today}.${extension}"`);
      expect(exported.body.length).toBeGreaterThan(100);

      await query(site, "DROP TABLE notes");
      const imported = await ann.request("POST", `/api/sites/${site}/database/import`, {
        body: exported.body,
        headers: { "content-type": "application/octet-stream" },
      });
      expect(imported.status, imported.text).toBe(200);
      expect(imported.json()).toMatchObject({ bytes: exported.body.length });
      expect((await query(site, "SELECT body FROM notes ORDER BY id")).rows).toEqual([["one"], ["two"], ["three"]]);

      // Past the limit: refused before a byte runs, the table as it was.
      const huge = Buffer.concat([exported.body, Buffer.alloc(maxImportBytes)]);
      await query(site, "DELETE FROM notes WHERE id = 3");
      const refused = await ann.request("POST", `/api/sites/${site}/database/import`, { body: huge });
      expect([refused.status, refused.json().error.code]).toEqual([413, "DATABASE_IMPORT_TOO_LARGE"]);
      expect((await query(site, "SELECT count(*) FROM notes")).rows).toEqual([["2"]]);

      // A stranger: no such site, for the export as for the import.
      const strangerExport = await eve.request("GET", `/api/sites/${site}/database/export`);
      expect([strangerExport.status, strangerExport.json().error.code]).toEqual([404, "SITE_NOT_FOUND"]);
      const strangerImport = await eve.request("POST", `/api/sites/${site}/database/import`, { body: exported.body });
      expect([strangerImport.status, strangerImport.json().error.code]).toEqual([404, "SITE_NOT_FOUND"]);
      expect((await query(site, "SELECT count(*) FROM notes")).rows).toEqual([["2"]]);
    });
  }

  it("refuses a PostgreSQL import that is SQL for psql, running nothing", async () => {
    const marker = `/tmp/pwned-${randomBytes(6).toString("hex")}`;
    const refused = await ann.request("POST", "/api/sites/pgsite/database/import", {
      body: `\\! touch ${marker}\nALTER ROLE CURRENT_USER SUPERUSER;\n`,
    });
    expect([refused.status, refused.json().error.code]).toEqual([422, "DATABASE_IMPORT_FAILED"]);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses a MariaDB dump's \\! and system, and its GRANT ALL ON *.*", async () => {
    const marker = `/tmp/pwned-${randomBytes(6).toString("hex")}`;
    for (const body of [`\\! touch ${marker}\n`, `system touch ${marker}\n`, "GRANT ALL ON *.* TO CURRENT_USER;\n"]) {
      const refused = await ann.request("POST", "/api/sites/mysite/database/import", { body });
      expect([refused.status, refused.json().error.code], body).toEqual([422, "DATABASE_IMPORT_FAILED"]);
    }
    expect(existsSync(marker)).toBe(false);
    const grants = await query("mysite", "SHOW GRANTS");
    expect(JSON.stringify(grants.rows)).not.toContain("ON *.*` TO");
    expect(JSON.stringify(grants.rows)).not.toMatch(/GRANT ALL PRIVILEGES ON \*\.\*/);
  });
});
