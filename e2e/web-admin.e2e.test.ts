/**
 * The administrators' pages in a real Chromium against `director up` with a real SMTP server (smtp-server, started
 * here as the sink): an administrator invites a teacher, changes a student's role and disables the account (the
 * student then cannot log in), emails the student after a confirmation (the message arrives at the SMTP server),
 * and reads all of it back in the audit log. Screenshots of the pages land in .artifacts/screenshots.
 */
import { rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchChromium, logInThroughForm, newUserContext, screenshot } from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("the web interface: administration", () => {
  let director: DirectorProcess;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let errors: string[];
  let smtp: SMTPServer;
  const delivered: Array<{ to: string[]; body: string }> = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let body = "";
        stream.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        stream.on("end", () => {
          delivered.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    director = await DirectorProcess.create({
      DIRECTOR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      DIRECTOR_MAIL_FROM: "Director <director@school.test>",
    });
    await director.start();
    for (const args of [
      ["--username", "admin", "--superuser", "--name", "Ada Admin"],
      ["--username", "ann", "--name", "Ann Student", "--email", "ann@school.test"],
      ["--username", "ben", "--name", "Ben Student", "--email", "ben@school.test"],
    ]) {
      const created = await director.run(["admin", "create-user", ...args], `${password}\n`);
      expect(created.code, created.stderr).toBe(0);
    }
    browser = await launchChromium();
    admin = await newUserContext(browser, director.managerUrl);
    page = await admin.newPage();
    errors = collectPageErrors(page);
    await logInThroughForm(page, "admin", password);
  });

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const adminNav = () => page.getByRole("navigation", { name: "Administration" });

  it("invites a teacher by username before their first login", async () => {
    await adminNav().getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { level: 1, name: "Users" }).waitFor();
    await page.getByText("Invite someone before their first login").click();
    await page.getByLabel("Username").fill("Not Valid");
    await page.getByRole("button", { name: "Invite" }).click();
    await expect.poll(() => page.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Username").fill("tina");
    await page.getByLabel("Role", { exact: true }).selectOption("teacher");
    await page.getByRole("button", { name: "Invite" }).click();
    const row = page.getByRole("row").filter({ hasText: "tina" });
    await row.getByText("never").waitFor(); // no login yet
    expect(await page.getByLabel("Role of tina").inputValue()).toBe("teacher");
  });

  it("searches, changes a student's role, and disables the account, which then cannot log in", async () => {
    await page.getByLabel("Search users").fill("ann");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("1 account matches “ann”").waitFor();
    await page.getByLabel("Role of ann").selectOption("teacher");
    await page.getByRole("button", { name: "Disable ann" }).click();
    await page.getByRole("button", { name: "Enable ann" }).waitFor();
    await screenshot(page, "20-admin-users");
    // what the page shows is what was stored: read again from the server
    await page.reload();
    await page.getByLabel("Search users").fill("ann");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("1 account matches “ann”").waitFor();
    expect(await page.getByLabel("Role of ann").inputValue()).toBe("teacher");
    await page.getByRole("button", { name: "Enable ann" }).waitFor();

    const annContext = await newUserContext(browser, director.managerUrl);
    const annPage = await annContext.newPage();
    await annPage.goto("/");
    await annPage.getByLabel("Username").fill("ann");
    await annPage.getByLabel("Password").fill(password);
    await annPage.getByRole("button", { name: "Log in", exact: true }).click();
    await expect.poll(() => annPage.getByRole("alert").textContent()).toMatch(/disabled/i);
    await annContext.close();
    await page.getByRole("button", { name: "Enable ann" }).click();
    await page.getByRole("button", { name: "Disable ann" }).waitFor();
  });

  it("emails chosen people only after a confirmation that names how many, and the SMTP server gets it", async () => {
    await adminNav().getByRole("link", { name: "Mass email" }).click();
    await page.getByRole("heading", { level: 1, name: "Mass email" }).waitFor();
    await page.getByLabel("These usernames").check();
    await page.getByLabel("Usernames", { exact: true }).fill("ann, ben");
    await page.getByLabel("Subject").fill("Server maintenance on Friday");
    await page.getByLabel("Message").fill("Sites will be down from 6 to 7 pm.");
    await page.getByRole("button", { name: "Review and send" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Confirm sending" });
    await confirm.getByText("to 2 people").waitFor();
    expect(delivered).toEqual([]); // nothing leaves before the confirmation
    await screenshot(page, "21-admin-mail-confirm");
    await confirm.getByRole("button", { name: "Yes, send it" }).click();
    await page.getByRole("status").filter({ hasText: "Sent to 2 of 2 people." }).waitFor();
    const recipients = delivered.flatMap((message) => message.to).sort();
    expect(recipients).toEqual(["ann@school.test", "ben@school.test"]);
    expect(delivered[0]?.body).toContain("Subject: Server maintenance on Friday");
  });

  it("shows who did all of this in the audit log, filtered by action", async () => {
    await adminNav().getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await page.getByLabel("Who").fill("admin");
    await page.getByLabel("Action").fill("user.");
    await page.getByRole("button", { name: "Filter" }).click();
    const rows = page.locator("tbody tr");
    // tina invited; ann's role changed, ann disabled, ann enabled again: newest first
    await expect.poll(() => rows.count()).toBe(4);
    // columns: when, who, what, on
    expect(await rows.locator("td:nth-child(2)").allTextContents()).toEqual(["admin", "admin", "admin", "admin"]);
    expect(await rows.locator("td:nth-child(3)").allTextContents()).toEqual([
      "user.update",
      "user.update",
      "user.update",
      "user.invite",
    ]);
    expect(await rows.locator("td:nth-child(4)").allTextContents()).toEqual([
      "user:ann",
      "user:ann",
      "user:ann",
      "user:tina",
    ]);
    // what changed, newest first: enabled again, disabled, made a teacher; tina invited as a teacher
    expect(await rows.locator("td:nth-child(5)").allTextContents()).toEqual([
      "isActive: true",
      "isActive: false",
      "role: teacher",
      "role: teacher · isSuperuser: false",
    ]);
    await page.getByLabel("Who").fill("");
    await page.getByLabel("Action").fill("mail.send");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await screenshot(page, "22-admin-audit");
    expect(errors).toEqual([]);
  });
});
