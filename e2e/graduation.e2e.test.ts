/**
 * A graduating student on a real `director up`: the banner tells them until when their account stays open and
 * links to one zip of all their sites; the download holds each site's files and its PostgreSQL database as a dump
 * that pg_restore reads back (the rows there); a site an administrator disabled is left out. Then the class is
 * disabled in one step: the student can no longer log in, their sites stay.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  guidePicture,
  launchChromium,
  logInAcceptingGuidelines,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "graduation password 1";
const thisYear = new Date().getUTCFullYear();

describe("director up: a graduating student takes their sites with them", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let gina: ApiSession;
  let workDir: string;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    await director.run(["admin", "create-user", "--username", "gina", "--role", "student"], `${password}\n`);
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    const year = await admin.request("PATCH", "/api/admin/users/gina", { json: { graduationYear: thisYear } });
    expect(year.status, year.text).toBe(200);
    gina = await ApiSession.login(director.managerUrl, "gina", password);
    const personal = await gina.request("POST", "/api/sites?wait=true", {
      json: { type: "static", purpose: "personal" },
    });
    expect(personal.status, personal.text).toBe(201);
    const page = await gina.request("PUT", "/api/sites/gina/files/public/index.html", { body: "<h1>Gina's page</h1>" });
    expect(page.status, page.text).toBe(200);
    const database = await gina.request("POST", "/api/sites/gina/database?wait=true", { json: { kind: "postgres" } });
    expect(database.status, database.text).toBe(201);
    for (const statement of [
      "CREATE TABLE guestbook (id int primary key, message text)",
      "INSERT INTO guestbook VALUES (1, 'first visit'), (2, 'congratulations')",
    ]) {
      const ran = await gina.request("POST", "/api/sites/gina/database/query", { json: { statement } });
      expect(ran.status, ran.text).toBe(200);
    }
    for (const [name, availability] of [
      ["gina-club", "enabled"],
      ["gina-old", "disabled"],
    ] as const) {
      const made = await admin.request("POST", "/api/sites?wait=true", {
        json: { name, type: "static", purpose: "activity" },
      });
      expect(made.status, made.text).toBe(201);
      await admin.request("PUT", `/api/sites/${name}/files/public/index.html`, { body: `<p>${name}</p>` });
      const added = await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "gina" } });
      expect(added.status, added.text).toBe(201);
      if (availability === "disabled") {
        const set = await admin.request("PUT", `/api/sites/${name}/availability?wait=true`, { json: { availability } });
        expect(set.status, set.text).toBe(200);
      }
    }
    workDir = await mkdtemp(path.join(tmpdir(), "director-graduation-"));
  });

  afterAll(async () => {
    await gina?.request("DELETE", "/api/sites/gina/database?wait=true", { json: { confirmName: "gina" } });
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("shows the banner, and its link downloads every site she may change, files and database", async () => {
    const browser = await launchChromium();
    try {
      const context = await newUserContext(browser, director.managerUrl);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await logInAcceptingGuidelines(page, "gina", password);
      const banner = page.locator('[data-banner="graduation"]');
      await banner.getByText(`Congratulations, class of ${thisYear}!`).waitFor();
      await screenshot(page, "graduation-banner");
      await guidePicture(banner, "graduation-banner");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        banner.getByRole("link", { name: "Download all your sites" }).click(),
      ]);
      const today = new Date().toISOString().slice(0, 10);
      expect(download.suggestedFilename()).toBe(`director-gina-${today}.zip`);
      const file = path.join(workDir, "sites.zip");
      await download.saveAs(file);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }

    const file = path.join(workDir, "sites.zip");
    const unpacked = path.join(workDir, "unpacked");
    // Python's zipfile: another reader than the writer, checking every entry's CRC
    execFileSync("python3", ["-m", "zipfile", "-t", file]);
    execFileSync("python3", ["-m", "zipfile", "-e", file, unpacked]);
    const listing = execFileSync("python3", ["-m", "zipfile", "-l", file], { encoding: "utf8" });
    const entries = listing
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s{2,}/)[0]?.trim() ?? "")
      .filter((entry) => entry !== "")
      .sort();
    expect(entries).toEqual(
      expect.arrayContaining([
        "README.txt",
        "gina/files/public/index.html",
        "gina/database.dump",
        "gina-club/files/public/index.html",
      ]),
    );
    expect(entries.filter((entry) => entry.startsWith("gina-old"))).toEqual([]);
    expect(entries.filter((entry) => entry.startsWith("gina-club/database"))).toEqual([]);
    expect(await readFile(path.join(unpacked, "gina/files/public/index.html"), "utf8")).toBe("<h1>Gina's page</h1>");
    expect(await readFile(path.join(unpacked, "README.txt"), "utf8")).toContain("gina (with its postgres database)");
    // the dump is PostgreSQL's custom format, and holds the table with its rows
    const restored = execFileSync(
      "pg_restore",
      ["--data-only", "--table=guestbook", "-f", "-", path.join(unpacked, "gina/database.dump")],
      {
        encoding: "utf8",
      },
    );
    expect(restored).toContain("first visit");
    expect(restored).toContain("congratulations");
  }, 180_000);

  it("records the download in the audit log, and refuses a person with no site", async () => {
    const audit = await admin.request("GET", "/api/admin/audit?action=account.download_archive");
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json().events[0]).toMatchObject({
      action: "account.download_archive",
      details: { sites: ["gina", "gina-club"] },
    });
    await director.run(["admin", "create-user", "--username", "nosites", "--role", "student"], `${password}\n`);
    const nobody = await ApiSession.login(director.managerUrl, "nosites", password);
    const refused = await nobody.request("GET", "/api/account/archive");
    expect(refused.status).toBe(404);
    expect(refused.json().error.code).toBe("NOT_FOUND");
    expect(
      (await new ApiSession(director.managerUrl, "not-a-token").request("GET", "/api/account/archive")).status,
    ).toBe(401);
  });

  it("disables the class of this year in one step: she cannot log in, her sites stay", async () => {
    const disabled = await admin.request("POST", `/api/admin/classes/${thisYear}/disable`, {
      json: { confirm: String(thisYear) },
    });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.json().disabledNow).toEqual(["gina"]);
    expect((await gina.request("GET", "/api/auth/me")).status).toBe(401);
    const login = await fetch(`${director.managerUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "gina", password }),
    });
    expect(login.status).toBe(403);
    expect((await admin.request("GET", "/api/sites/gina")).status).toBe(200);
  });
});
