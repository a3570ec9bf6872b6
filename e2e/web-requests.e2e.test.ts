/**
 * The club site journey in a real Chromium against `director up`: a student requests an activity site, the sponsor
 * teacher approves it, an administrator approves it (Director creates the site with both as members), and the
 * student opens the site's page from their requests. Accounts made with `director admin create-user` start with the
 * guidelines accepted (an account without them has no password to log in with here: the guidelines page is covered
 * by the manager's tests).
 */
import { rm } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { launchChromium, logInAcceptingGuidelines, newUserContext, screenshot } from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("the web interface: a club site from request to site page", () => {
  let director: DirectorProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const pageFor = async (username: string): Promise<Page> => {
    const context = await newUserContext(browser, director.managerUrl);
    contexts.push(context);
    const page = await context.newPage();
    await logInAcceptingGuidelines(page, username, password);
    return page;
  };

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    for (const args of [
      ["--username", "admin", "--superuser", "--name", "Ada Admin"],
      ["--username", "tom", "--role", "teacher", "--name", "Tom Teacher"],
      ["--username", "sam", "--name", "Sam Student"],
    ]) {
      const created = await director.run(["admin", "create-user", ...args], `${password}\n`);
      expect(created.code, created.stderr).toBe(0);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  let student: Page;

  it("a student requests a club site and sees it wait for the teacher", async () => {
    student = await pageFor("sam");
    await student.getByRole("link", { name: "Club site requests" }).click();
    await student.getByRole("link", { name: "Request a club site" }).click();
    await student.getByLabel("Activity or club").fill("Robotics Club");
    expect(await student.getByLabel("Site name").inputValue()).toBe("robotics-club"); // made from the activity
    await student.getByLabel("What the site is for").fill("News and build logs of the robotics team.");
    await student.getByLabel(/I will keep the site/).check();
    // a sponsor who is not a teacher: the API's message shows under the sponsor field
    const sponsor = student.getByLabel("Sponsor teacher's username");
    await sponsor.fill("sam");
    await student.getByRole("button", { name: "Send request" }).click();
    await expect.poll(() => sponsor.getAttribute("aria-invalid")).toBe("true");
    await screenshot(student, "20-request-form-invalid-sponsor");
    await sponsor.fill("tom");
    await screenshot(student, "20-request-form");
    await student.getByRole("button", { name: "Send request" }).click();
    await student.getByRole("heading", { level: 1, name: "Club site requests" }).waitFor();
    await student.getByText("Waiting for the teacher").waitFor();
    await screenshot(student, "21-my-requests-pending");
  });

  it("the sponsor teacher approves it", async () => {
    const teacher = await pageFor("tom");
    await teacher.getByRole("link", { name: "Approvals" }).click();
    const card = teacher.getByRole("listitem").filter({ hasText: "Robotics Club" });
    await card.waitFor();
    await card.getByLabel("Comment (optional)").fill("Happy to sponsor.");
    await screenshot(teacher, "22-teacher-approvals");
    await card.getByRole("button", { name: "Approve" }).click();
    await teacher.getByText("Nothing waits for you.").waitFor();
  });

  it("an administrator approves it and Director creates the site", async () => {
    const admin = await pageFor("admin");
    await admin.goto("/admin/requests");
    const card = admin.getByRole("listitem").filter({ hasText: "Robotics Club" });
    await card.waitFor();
    await card.getByText("robotics-club", { exact: true }).waitFor(); // the site name the student asked for
    await card.getByLabel("Comment for the student").fill("Welcome aboard.");
    await card.getByLabel("Private comment (administrators only)").fill("Checked with the activities office.");
    await screenshot(admin, "23-admin-approvals");
    await card.getByRole("button", { name: "Approve" }).click();
    await admin.getByText("Nothing waits for you.").waitFor();
  });

  it("the student sees the approval and opens the new site's page", async () => {
    await student.goto("/requests");
    const card = student.getByRole("listitem").filter({ hasText: "Robotics Club" });
    await card.getByText("Approved").waitFor();
    expect(await card.textContent()).toContain("Welcome aboard.");
    expect(await card.textContent()).not.toContain("activities office"); // the private comment stays private
    await screenshot(student, "24-my-requests-approved");
    await card.getByRole("link", { name: "robotics-club" }).click();
    await student.getByRole("heading", { level: 1, name: "robotics-club" }).waitFor();
    const members = student.getByRole("region", { name: "Members" });
    await members.getByText("sam", { exact: true }).waitFor();
    await members.getByText("tom", { exact: true }).waitFor();
    // The site's create operation may still run (a loaded CI machine): wait for it through the API, saying how it
    // ended if it did not succeed, then the page must call the site served.
    const api = await ApiSession.login(director.managerUrl, "admin", password);
    const site = (await api.request("GET", "/api/sites/robotics-club")).json();
    if (site.operation) {
      const operation = await api.waitForOperation(site.operation.id, 150_000);
      expect(operation.status, JSON.stringify(operation)).toBe("succeeded");
    }
    await student.reload();
    await student.locator(".page-head").getByText("served (static)").waitFor({ timeout: 30_000 });
    await screenshot(student, "25-club-site-page");
  });
});
