/**
 * A student's first database app, end to end on a real `director up` with nothing registered by hand: the site's
 * database lands on `director up`'s own PostgreSQL (on the sites network's gateway), the member fills it through the
 * SQL console, and the site's process, built from Debian with the PostgreSQL client, reads it through DATABASE_URL
 * and serves the row through the sites port. A rotation restarts the process, which still reads it.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import { httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const run = promisify(execFile);
const password = "correct horse battery staple";

/** Reads the row with psql, as a student's script would, then serves what it printed. */
const runSh = `#!/bin/sh
mkdir -p /site/www
psql "$DATABASE_URL" -At -c "SELECT body FROM guestbook ORDER BY id" > /site/www/index.html 2>&1
echo "rows read: $(wc -l < /site/www/index.html)"
exec busybox httpd -f -p "$PORT" -h /site/www
`;

describe("director up: a dynamic site reads its own database", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let ann: ApiSession;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    await director.run(["admin", "create-user", "--username", "ann"], `${password}\n`);
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    const made = await director.run(["images", "make-base", "debian"]);
    expect(made.code, made.stderr).toBe(0);
    const published = await admin.request("POST", "/api/images", {
      json: {
        name: "debian",
        friendlyName: "Debian 12",
        parentRef: "director/base-debian:bookworm",
        setupCommands: "apt-get update -qq",
        installCommandPrefix: "apt-get install -y -qq --no-install-recommends",
      },
    });
    expect(published.status, published.text).toBe(201);
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: "guests", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    const added = await admin.request("POST", "/api/sites/guests/members", { json: { username: "ann" } });
    expect(added.status, added.text).toBe(201);
  });

  afterAll(async () => {
    const installationId = await director?.installationId();
    await director?.stop();
    await director?.removeDockerObjects();
    if (installationId) {
      // the site's own image (the Debian base is shared with other runs and kept)
      const { stdout } = await run("docker", [
        "images",
        "-q",
        "--filter",
        `label=org.director.installation=${installationId}`,
      ]);
      const ids = [...new Set(stdout.split("\n").filter(Boolean))];
      if (ids.length > 0) await run("docker", ["rmi", "-f", ...ids]).catch(() => undefined);
    }
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  /** The site's page once it is `expected` (a new task takes a few seconds to replace the old one). */
  async function served(expected: string, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await httpRequest({
        url: `${director.sitesUrl}/`,
        host: `guests.sites.localhost:${director.ports.sites}`,
      });
      if ((answer.status === 200 && answer.text === expected) || Date.now() > deadline) return answer.text;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it("serves a row its process read from its database through DATABASE_URL", async () => {
    const created = await ann.request("POST", "/api/sites/guests/database?wait=true", { json: { kind: "postgres" } });
    expect(created.status, created.text).toBe(201);
    const { database } = created.json();
    // The only host is director up's own, on the gateway of the sites network.
    expect(database).toMatchObject({ kind: "postgres", status: "ready", port: expect.any(Number) });
    expect(database.host).toMatch(/^\d+\.\d+\.\d+\.1$/);

    for (const statement of [
      "CREATE TABLE guestbook (id serial PRIMARY KEY, body text NOT NULL)",
      "INSERT INTO guestbook (body) VALUES ('signed by ann')",
    ]) {
      const answered = await ann.request("POST", "/api/sites/guests/database/query", { json: { statement } });
      expect(answered.status, answered.text).toBe(200);
    }
    const uploaded = await ann.request("PUT", "/api/sites/guests/files/run.sh?mode=755", { body: runSh });
    expect(uploaded.status, uploaded.text).toBe(200);
    const image = await ann.request("PUT", "/api/sites/guests/image", {
      json: { image: "debian", packages: ["busybox", "postgresql-client"] },
    });
    expect(image.status, image.text).toBe(202);
    const built = await ann.waitForOperation(image.json().operation.id, 10 * 60_000);
    expect(built.status, JSON.stringify(built)).toBe("succeeded");
    await expect(served("signed by ann\n")).resolves.toBe("signed by ann\n");
  });

  it("exports it from director up's own host with this machine's pg_dump", async () => {
    // A new host is the embedded PostgreSQL 15, which Debian 12's pg_dump 15 dumps (README, A site's database).
    const exported = await ann.request("GET", "/api/sites/guests/database/export");
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.subarray(0, 5).toString("latin1")).toBe("PGDMP"); // pg_dump's custom format
  });

  it("keeps reading it after a new password, with which the process was restarted", async () => {
    const added = await ann.request("POST", "/api/sites/guests/database/query", {
      json: { statement: "INSERT INTO guestbook (body) VALUES ('and by a visitor')" },
    });
    expect(added.status, added.text).toBe(200);
    const rotated = await ann.request("POST", "/api/sites/guests/database/rotation?wait=true");
    expect(rotated.status, rotated.text).toBe(200);
    // Only a restart reads the table again: the second row shows that the process started anew, with the new
    // password (the old one no longer logs in).
    await expect(served("signed by ann\nand by a visitor\n")).resolves.toBe("signed by ann\nand by a visitor\n");
  });
});
