/**
 * A course on a real `director up`, driven from the browser as a teacher would: a course starting from a template
 * site, a 30-row roster (2 bad rows) read from a CSV file, the preview, then the report; the 28 sites are made by
 * the worker, each served with the template's page; the roster uploaded again makes nothing; the course's sites
 * are removed in one step and stop being served, the template staying.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  guidePicture,
  horizontalOverflowPx,
  launchChromium,
  logInAcceptingGuidelines,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "course teacher password";
const students = Array.from({ length: 28 }, (_, index) => `s${String(index + 1).padStart(2, "0")}`);
const rosterCsv = [
  "username,name,email,graduation year",
  ...students.slice(0, 10).map((username) => `${username},Student ${username},${username}@school.test,2027`),
  "bad user,Not A Username,bad@school.test,2027",
  ...students.slice(10, 20).map((username) => `${username},Student ${username},${username}@school.test,2028`),
  "s99,Bad Email,not-an-email,2027",
  ...students.slice(20).map((username) => `${username},Student ${username},,`),
].join("\n");

describe("director up: a teacher's course, from roster to 28 sites and back", () => {
  let director: DirectorProcess;
  let teacher: ApiSession;
  let workDir: string;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "tina", "--role", "teacher"], `${password}\n`);
    teacher = await ApiSession.login(director.managerUrl, "tina", password);
    const template = await teacher.request("POST", "/api/sites?wait=true", {
      json: { name: "intro-starter", type: "static", purpose: "project" },
    });
    expect(template.status, template.text).toBe(201);
    const page = await teacher.request("PUT", "/api/sites/intro-starter/files/public/index.html", {
      body: "<h1>Welcome to Intro to Web</h1>",
    });
    expect(page.status, page.text).toBe(200);
    workDir = await mkdtemp(path.join(tmpdir(), "director-course-"));
    await writeFile(path.join(workDir, "roster.csv"), rosterCsv);
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const site = (name: string) =>
    httpRequest({ url: `${director.sitesUrl}/`, host: `${name}.sites.localhost:${director.ports.sites}` });

  it("makes the course, previews the roster, provisions it, and shows the 28 sites being made", async () => {
    const browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      const errors = collectPageErrors(page);
      await logInAcceptingGuidelines(page, "tina", password);
      await page.getByRole("link", { name: "Courses" }).click();
      await page.getByRole("link", { name: "New course" }).click();
      await page.getByLabel("Course name").fill("intro");
      await page.getByLabel("Title").fill("Intro to Web");
      await page.getByLabel("Template site (optional)").fill("intro-starter");
      await page.getByRole("button", { name: "Make the course" }).click();
      await page.getByRole("heading", { level: 1, name: "Intro to Web" }).waitFor();

      await page.getByLabel("Or read a CSV file").setInputFiles(path.join(workDir, "roster.csv"));
      await page.getByRole("button", { name: "Preview" }).click();
      const preview = page.locator('[data-roster-report="preview"]');
      await preview.getByText("This roster would make 28 sites; 0 already there; 2 refused.").waitFor();
      expect(await preview.locator('tr[data-action="create"]').count()).toBe(28);
      const refused = preview.locator('tr[data-action="refused"]');
      expect(await refused.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-line")))).toEqual([
        "12",
        "23",
      ]);
      await screenshot(page, "course-roster-preview");
      await guidePicture(page, "course-roster-preview");
      // nothing exists before the teacher says so
      expect((await teacher.request("GET", "/api/sites/intro-s01")).status).toBe(404);

      await page.getByRole("button", { name: "Make 28 sites" }).click();
      const report = page.locator('[data-roster-report="done"]');
      await report.getByText("Made 28 sites; 0 already there; 2 refused.").waitFor();
      await page.locator('[data-progress="28/28"]').waitFor({ timeout: 240_000 });
      expect(await page.locator('tr[data-state="ready"]').count()).toBe(28);
      await screenshot(page, "course-progress");

      const phone = await (await newUserContext(browser, director.managerUrl, { isPhone: true })).newPage();
      await logInAcceptingGuidelines(phone, "tina", password);
      await phone.goto("/courses/intro");
      await phone.locator('[data-progress="28/28"]').waitFor();
      expect(await horizontalOverflowPx(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, "course-phone");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 360_000);

  it("serves each student's site with the template's page, the teacher and the student its members", async () => {
    for (const username of students) {
      const answer = await site(`intro-${username}`);
      expect([username, answer.status, answer.text]).toEqual([username, 200, "<h1>Welcome to Intro to Web</h1>"]);
    }
    const members = await teacher.request("GET", "/api/sites/intro-s07/members");
    expect(
      members
        .json()
        .members.map((member: { username: string }) => member.username)
        .sort(),
    ).toEqual(["s07", "tina"]);
  });

  it("makes nothing when the same roster is uploaded again", async () => {
    const again = await teacher.request("POST", "/api/courses/intro/roster", { json: { roster: rosterCsv } });
    expect(again.status, again.text).toBe(200);
    expect(again.json().counts).toEqual({ create: 0, exists: 28, refused: 2 });
  });

  it("removes the course's 28 sites in one step from the page; the template stays", async () => {
    const browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      await logInAcceptingGuidelines(page, "tina", password);
      await page.goto("/courses/intro");
      await page.getByLabel("Type intro to delete its 28 student sites").fill("intro");
      await page.getByRole("button", { name: "Remove the course's sites" }).click();
      await page.getByRole("heading", { level: 1, name: "Courses" }).waitFor();
      await page.getByText("You have no course yet.").waitFor();
    } finally {
      await browser.close();
    }
    const deadline = Date.now() + 180_000;
    let left = students;
    while (left.length > 0 && Date.now() < deadline) {
      const stillThere = await Promise.all(
        left.map(async (username) =>
          (await teacher.request("GET", `/api/sites/intro-${username}`)).status === 404 ? null : username,
        ),
      );
      left = stillThere.filter((username): username is string => username !== null);
      if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(left).toEqual([]);
    expect((await site("intro-s01")).status).toBe(404);
    expect((await site("intro-starter")).text).toContain("Welcome to Intro to Web");
  }, 240_000);
});
