/**
 * Renaming a site on a real `director up` (on the test PostgreSQL server, so the test can end a grace period): a
 * teacher renames their project site from its page; the site is served at the new name, the old one answers with a
 * 301 to the same path at the new name, and no new site may take it. Renamed again, every former name redirects
 * to the latest. Once a former name's days are over, the worker's name releaser takes its redirect away and frees
 * the name; deleting the site takes the rest away.
 */
import { rm } from "node:fs/promises";
import { httpRequest } from "@director/testing/http-request";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
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

const password = "rename teacher password";

describe("director up: renaming a site", () => {
  let database: ServerTestDatabase;
  let director: DirectorProcess;
  let api: ApiSession;

  const get = (name: string, path = "/") =>
    httpRequest({ url: `${director.sitesUrl}${path}`, host: `${name}.sites.localhost:${director.ports.sites}` });
  const waitForIdle = async (name: string) => {
    await expect
      .poll(async () => (await api.request("GET", `/api/sites/${name}`)).json().operation?.status ?? "none", {
        timeout: 60_000,
        interval: 250,
      })
      .toMatch(/^(succeeded|none)$/);
  };

  beforeAll(async () => {
    database = await createServerTestDatabase();
    director = await DirectorProcess.create({
      DATABASE_URL: database.url,
      DIRECTOR_RENAMED_SITE_CHECK_INTERVAL_MS: "1000",
    });
    await director.start();
    const created = await director.run(
      ["admin", "create-user", "--username", "tess", "--role", "teacher"],
      `${password}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    api = await ApiSession.login(director.managerUrl, "tess", password);
    const site = await api.request("POST", "/api/sites?wait=true", {
      json: { name: "robotics", type: "static", purpose: "project" },
    });
    expect(site.status, site.text).toBe(201);
    const page = await api.request("PUT", "/api/sites/robotics/files/public/team/index.html", {
      body: "<h1>Robotics team</h1>",
    });
    expect(page.status, page.text).toBe(200);
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    await database?.close();
    await database?.drop();
  });

  it("renames from the page: served at the new name, the old one redirects", async () => {
    const browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      const errors = collectPageErrors(page);
      await logInAcceptingGuidelines(page, "tess", password);
      await page.goto("/sites/robotics");
      const settings = page.locator("section.card", { has: page.getByRole("heading", { name: "Settings" }) });
      const name = settings.getByLabel("Name");
      await name.fill("Robots!");
      page.once("dialog", (dialog) => void dialog.accept());
      await settings.getByRole("button", { name: "Rename" }).click();
      await settings.getByText(/only lowercase letters, digits and single hyphens/).waitFor();
      expect(new URL(page.url()).pathname).toBe("/sites/robotics");

      await name.fill("robot-club");
      page.once("dialog", (dialog) => void dialog.accept());
      await settings.getByRole("button", { name: "Rename" }).click();
      await page.waitForURL("**/sites/robot-club");
      await page.getByRole("heading", { level: 1, name: "robot-club" }).waitFor();
      await page.getByRole("link", { name: /robot-club\.sites\.localhost/ }).waitFor();
      await screenshot(page, "site-renamed");
      await guidePicture(settings, "rename-site");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    await waitForIdle("robot-club");

    const served = await get("robot-club", "/team/");
    expect(served.status).toBe(200);
    expect(served.text).toContain("Robotics team");
    const moved = await get("robotics", "/team/?tab=2");
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`http://robot-club.sites.localhost:${director.ports.sites}/team/?tab=2`);

    const taken = await api.request("POST", "/api/sites", { json: { name: "robotics", purpose: "project" } });
    expect(taken.status, taken.text).toBe(409);
    expect(taken.json().error.code).toBe("SITE_NAME_TAKEN");
  });

  it("redirects every former name to the latest, until a name's days are over", async () => {
    const renamed = await api.request("POST", "/api/sites/robot-club/rename?wait=true", { json: { name: "robots" } });
    expect(renamed.status, renamed.text).toBe(200);
    for (const former of ["robotics", "robot-club"]) {
      const moved = await get(former, "/team/");
      expect(moved.status, former).toBe(301);
      expect(moved.headers.location).toBe(`http://robots.sites.localhost:${director.ports.sites}/team/`);
    }
    expect((await get("robots", "/team/")).text).toContain("Robotics team");

    // The grace period of the first name is over: the worker takes its redirect away, then frees the name.
    await database.db
      .updateTable("site_former_names")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("name", "=", "robotics")
      .execute();
    await expect
      .poll(
        async () => (await database.db.selectFrom("site_former_names").select("name").execute()).map((r) => r.name),
        { timeout: 30_000, interval: 250 },
      )
      .toEqual(["robot-club"]);
    const released = await database.db
      .selectFrom("operations")
      .select("status")
      .where("kind", "=", "release_site_names")
      .execute();
    expect(released).toEqual([{ status: "succeeded" }]);
    expect((await get("robotics", "/team/")).status).toBe(404);
    expect((await get("robot-club", "/team/")).status).toBe(301);
    const reused = await api.request("POST", "/api/sites?wait=true", {
      json: { name: "robotics", purpose: "project" },
    });
    expect(reused.status, reused.text).toBe(201);
    expect((await get("robotics", "/")).status).not.toBe(301);
  });

  it("takes the redirects away with the site", async () => {
    // only administrators delete project sites
    const created = await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    expect(created.code, created.stderr).toBe(0);
    const admin = await ApiSession.login(director.managerUrl, "admin", password);
    const deleted = await admin.request("DELETE", "/api/sites/robots?wait=true", { json: { confirmName: "robots" } });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await get("robot-club", "/")).status).toBe(404);
    expect(await database.db.selectFrom("site_former_names").selectAll().execute()).toEqual([]);
  });
});
