/**
 * The web interface in a real Chromium against a real `director up`: a student logs in, creates their personal
 * site (a project site first: the API's refusal shows in words; then no name: the site is named after them), uploads
 * a page, watches the site come up; an administrator disables the site from the admin pages and the student sees
 * the notice; an administrator runs a dynamic site (a bad name first: the API's message shows under the field) and
 * retries a failed restart from the operations page. Screenshots of the main pages land in .artifacts/screenshots.
 */
import { readFile, rm } from "node:fs/promises";
import { httpRequest } from "@director/testing/http-request";
import { zipEntries } from "@director/testing/zip-entries";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  guidePicture,
  horizontalOverflowPx,
  launchChromium,
  logInThroughForm,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("the web interface: sites", () => {
  let director: DirectorProcess;
  let browser: Browser;
  let student: BrowserContext;
  let studentPage: Page;
  let studentErrors: string[];

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    for (const args of [
      ["--username", "admin", "--superuser", "--name", "Ada Admin"],
      ["--username", "ann", "--name", "Ann Student", "--email", "ann@school.test"],
    ]) {
      const created = await director.run(["admin", "create-user", ...args], `${password}\n`);
      expect(created.code, created.stderr).toBe(0);
    }
    browser = await launchChromium();
    student = await newUserContext(browser, director.managerUrl);
    studentPage = await student.newPage();
    studentErrors = collectPageErrors(studentPage);
  });

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  it("shows the login page at any address and refuses a wrong password in words", async () => {
    const page = studentPage;
    await page.goto("/sites/ann");
    await page.getByRole("heading", { name: "Log in to Director" }).waitFor();
    // `director up` has no identity provider configured (GET /api/auth/options): no institution button
    await page.getByLabel("Username").waitFor();
    expect(await page.getByRole("link", { name: "Log in with your institution account" }).count()).toBe(0);
    await screenshot(page, "01-login");
    await page.getByLabel("Username").fill("ann");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/password/i);
  });

  it("sends a failed institution login back to the login page, which says why in words", async () => {
    const page = studentPage;
    // no identity provider is configured under `director up`: the start of such a login fails at once
    await page.goto("/api/auth/oidc/start");
    await page.getByRole("heading", { name: "Log in to Director" }).waitFor();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/not set up here/);
    // the address is cleaned, so that a reload does not say it again
    await expect.poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe("/login");
  });

  it("logs in and shows an empty site list", async () => {
    await logInThroughForm(studentPage, "ann", password);
    await studentPage.getByText("You have no site yet.").waitFor();
    await screenshot(studentPage, "02-sites-empty");
  });

  it("says in words that a student may not create a project site, then creates the personal site, named after them", async () => {
    const page = studentPage;
    await page.getByRole("link", { name: "New site" }).first().click();
    await page.getByRole("heading", { name: "New site" }).waitFor();
    // a personal site needs no name: the form sends none and the API names it after the student
    expect(await page.getByLabel("Purpose").inputValue()).toBe("personal");
    expect(await page.getByLabel("Name").count()).toBe(0);
    await page.getByText("Your personal site is named after you: ann").waitFor();
    await screenshot(page, "03-create-personal-site");
    await guidePicture(page, "new-site");

    await page.getByLabel("Purpose").selectOption("project");
    await page.getByLabel("Name").fill("ann-project");
    await page.getByRole("button", { name: "Create site" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/may not create project sites/);

    await page.getByLabel("Purpose").selectOption("personal");
    await page.getByLabel("Description").fill("Ann's pages about robots");
    await page.getByRole("button", { name: "Create site" }).click();
    await page.getByRole("heading", { level: 1, name: "ann" }).waitFor();
    // the create operation's steps stream in, and the site ends up served
    await page.getByRole("region", { name: /Operation create site/ }).waitFor();
    await page
      .getByRole("region", { name: /Operation create site/ })
      .getByText("succeeded", { exact: true })
      .waitFor({ timeout: 60_000 });
    await page.locator(".page-head").getByText("served (static)").waitFor({ timeout: 30_000 });
  });

  it("uploads a page that the site then serves", async () => {
    const page = studentPage;
    await page.getByRole("heading", { name: "Files" }).waitFor();
    await page.locator('input[type="file"]').setInputFiles({
      name: "index.html",
      mimeType: "text/html",
      buffer: Buffer.from("<h1>Hello from Ann</h1>"),
    });
    await page.getByRole("link", { name: "index.html", exact: true }).waitFor();
    await screenshot(page, "04-site-page");
    await guidePicture(page, "site-page");
    const served = await httpRequest({
      url: `${director.sitesUrl}/`,
      host: `ann.sites.localhost:${director.ports.sites}`,
    });
    expect(served.text).toBe("<h1>Hello from Ann</h1>");
  });

  it("makes a folder, moves a file into it, makes it executable, downloads the folder as a zip, removes it", async () => {
    const page = studentPage;
    page.once("dialog", (dialog) => void dialog.accept("drafts"));
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByRole("button", { name: "drafts/" }).waitFor();
    await page.locator('input[type="file"]').setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("my notes"),
    });
    await page.getByRole("link", { name: "notes.txt" }).waitFor();
    page.once("dialog", (dialog) => void dialog.accept("public/drafts/notes.txt"));
    await page.getByRole("button", { name: "Rename notes.txt" }).click();
    await page.getByRole("link", { name: "notes.txt" }).waitFor({ state: "detached" });
    await page.getByRole("button", { name: "drafts/" }).click();
    await page.getByRole("link", { name: "notes.txt" }).waitFor();
    await page.getByRole("button", { name: "Make executable: notes.txt" }).click();
    await page.getByRole("button", { name: "Make not executable: notes.txt" }).waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download folder as zip" }).click();
    const saved = await (await download).path();
    expect(await zipEntries(await readFile(saved))).toEqual({ "notes.txt": "my notes" });
    await page.getByRole("button", { name: "↑ Parent folder" }).click();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Remove drafts" }).click();
    await page.getByRole("button", { name: "drafts/" }).waitFor({ state: "detached" });
    const ann = await ApiSession.login(director.managerUrl, "ann", password);
    expect((await ann.request("GET", "/api/sites/ann/files/public/drafts")).status).toBe(404);
  });

  it("shows a big folder a page at a time, sorted by name, with more on request", async () => {
    const page = studentPage;
    const ann = await ApiSession.login(director.managerUrl, "ann", password);
    const names = Array.from({ length: 250 }, (_, index) => `note-${String(index).padStart(3, "0")}.txt`);
    for (let start = 0; start < names.length; start += 25) {
      const answers = await Promise.all(
        names
          .slice(start, start + 25)
          .map((name) => ann.request("PUT", `/api/sites/ann/files/public/many/${name}`, { body: name })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(answers.length).fill(200));
    }
    await page.reload();
    await page.getByRole("button", { name: "many/" }).click();
    const fileLinks = page.locator("table.files").getByRole("link", { name: /^note-\d{3}\.txt$/ });
    await page.getByText("Showing 200 of 250.").waitFor();
    expect(await fileLinks.count()).toBe(200);
    expect(await fileLinks.first().textContent()).toBe("note-000.txt");
    await page.getByRole("button", { name: "Show more" }).click();
    await page.getByRole("link", { name: "note-249.txt" }).waitFor();
    expect(await fileLinks.allTextContents()).toEqual(names);
    expect(await page.getByRole("button", { name: "Show more" }).count()).toBe(0);
    await page.getByRole("button", { name: "↑ Parent folder" }).click();
    await page.getByRole("link", { name: "index.html", exact: true }).waitFor();
  });

  it("lists the site with a live status dot, and searches", async () => {
    const page = studentPage;
    await page.getByRole("link", { name: "Sites", exact: true }).click();
    const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "ann", exact: true }) });
    await card.getByText("served (static)").first().waitFor();
    await screenshot(page, "05-sites-list");
    await page.getByLabel("Search sites").fill("name:nothing-like-this");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No site matches this search.").waitFor();
    expect(page.url()).toContain("q=name%3Anothing-like-this");
    await page.getByLabel("Search sites").fill("robots");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "ann", exact: true }).waitFor();
    // A change no operation makes (the description, from another tab) reaches the open list without a reload.
    await page.evaluate("window.listOpenedBeforeTheChange = true");
    const otherTab = await ApiSession.login(director.managerUrl, "ann", password);
    const described = await otherTab.request("PUT", "/api/sites/ann/description", {
      json: { description: "Ann's pages about robots and rockets" },
    });
    expect(described.status, described.text).toBe(200);
    await card.getByText("Ann's pages about robots and rockets").waitFor();
    expect(await page.evaluate("window.listOpenedBeforeTheChange")).toBe(true);
  });

  it("lets an administrator disable the site, and the owner's open page shows the notice live", async () => {
    // The owner has the site open while an administrator disables it: the live channel brings the change.
    const page = studentPage;
    await page.goto("/sites/ann");
    await page.getByRole("heading", { level: 1, name: "ann" }).waitFor();
    await page.evaluate("window.openedBeforeTheChange = true"); // a string: the e2e tsconfig has no DOM types

    const admin = await newUserContext(browser, director.managerUrl);
    const adminPage = await admin.newPage();
    const adminErrors = collectPageErrors(adminPage);
    await logInThroughForm(adminPage, "admin", password);
    await adminPage
      .getByRole("navigation", { name: "Administration" })
      .getByRole("link", { name: "All sites" })
      .click();
    await adminPage.getByRole("heading", { name: "All sites" }).waitFor();
    await adminPage.getByLabel("Availability of ann").selectOption("disabled");
    await expect.poll(() => adminPage.getByLabel("Availability of ann").inputValue()).toBe("disabled");
    const comment = adminPage.getByLabel("Comment for the members of ann");
    await comment.fill("Disabled until the sponsor answers our email.");
    await adminPage.locator('tr[data-site="ann"]').getByRole("button", { name: "Save comment" }).click();
    await adminPage.locator('tr[data-site="ann"]').getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await screenshot(adminPage, "06-admin-sites");
    await adminPage.goto("/admin/images");
    await adminPage.getByRole("heading", { name: "Images" }).waitFor();
    await adminPage.goto("/admin/operations");
    await adminPage.getByRole("heading", { name: "Operations" }).waitFor();
    await screenshot(adminPage, "07-admin-operations");
    await admin.close();
    expect(adminErrors).toEqual([]);

    const notice = page.locator('[data-notice="availability"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain("This site is disabled.");
    // the same page, never reloaded
    expect(await page.evaluate("window.openedBeforeTheChange")).toBe(true);
    expect(await page.locator('[data-notice="admin-comment"]').textContent()).toContain(
      "Disabled until the sponsor answers our email.",
    );
    // a disabled site's files cannot be changed: no upload button
    expect(await page.getByText("Upload files").count()).toBe(0);
    await screenshot(page, "08-site-disabled-notice");
    expect(studentErrors).toEqual([]);
  });

  it("fits a phone's screen", async () => {
    const phone = await newUserContext(browser, director.managerUrl, { isPhone: true });
    const page = await phone.newPage();
    await logInThroughForm(page, "ann", password);
    expect(await horizontalOverflowPx(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "09-phone-sites");
    await page.getByRole("link", { name: "ann", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "ann" }).waitFor();
    expect(await horizontalOverflowPx(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "10-phone-site-page");
    await phone.close();
  });

  it("runs a dynamic site: upload run.sh, restart, watch the process run and its log live", async () => {
    const admin = await newUserContext(browser, director.managerUrl);
    const page = await admin.newPage();
    const errors = collectPageErrors(page);
    // What the live channel (/ws) sends this page: the process state and operations below arrive through it.
    const frames: string[] = [];
    page.on("websocket", (socket) => {
      if (new URL(socket.url()).pathname !== "/ws") return;
      socket.on("framereceived", (frame) => frames.push(String(frame.payload)));
    });
    await logInThroughForm(page, "admin", password);
    await page.goto("/sites/new");
    const name = page.getByLabel("Name");
    await name.fill("Not_Valid!");
    await page.getByRole("button", { name: "Create site" }).click();
    await expect.poll(() => name.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await name.getAttribute("aria-describedby")) ?? "";
    const message = await page.locator(`[id="${describedBy.split(" ").at(-1)}"]`).textContent();
    expect(message).toMatch(/lowercase/i);
    await screenshot(page, "12-create-site-invalid-name");
    await name.fill("app");
    await page.getByLabel(/Dynamic/).check();
    await page.getByRole("button", { name: "Create site" }).click();
    await page.getByRole("heading", { level: 1, name: "app" }).waitFor();
    await page
      .getByRole("region", { name: /Operation create site/ })
      .getByText("succeeded", { exact: true })
      .waitFor({
        timeout: 90_000,
      });
    await page.getByRole("button", { name: "app", exact: true }).click(); // the site directory, where run.sh goes
    await page.locator('input[type="file"]').setInputFiles({
      name: "run.sh",
      mimeType: "text/x-sh",
      buffer: Buffer.from('#!/bin/sh\necho "hello from the web test"\nexec httpd -f -p "$PORT" -h /site/public\n'),
    });
    await page.getByRole("link", { name: "run.sh", exact: true }).waitFor();
    await page.getByRole("button", { name: "Restart", exact: true }).click();
    await page
      .getByRole("region", { name: /Operation restart site/ })
      .getByText("succeeded", { exact: true })
      .waitFor({
        timeout: 90_000,
      });
    await page.locator('[data-process-state="running"]').waitFor({ timeout: 60_000 });
    await page.locator(".log-lines").getByText("hello from the web test").waitFor({ timeout: 30_000 });
    const received = frames.map((frame) => JSON.parse(frame));
    expect(received).toContainEqual(
      expect.objectContaining({ type: "process", site: "app", status: expect.objectContaining({ state: "running" }) }),
    );
    expect(received).toContainEqual(
      expect.objectContaining({
        type: "operation",
        site: "app",
        operation: expect.objectContaining({ kind: "restart_site", status: "succeeded" }),
      }),
    );
    await screenshot(page, "11-dynamic-site-page");
    await admin.close();
    expect(errors).toEqual([]);
  });

  it("applies an image from the site page, writing run.sh from the image's template", async () => {
    const api = await ApiSession.login(director.managerUrl, "admin", password);
    const index = await api.request("PUT", "/api/sites/app/files/public/index.html", {
      body: "<p>served by the template's run.sh</p>",
    });
    expect(index.status, index.text).toBe(200);
    const admin = await newUserContext(browser, director.managerUrl);
    const page = await admin.newPage();
    const errors = collectPageErrors(page);
    await logInThroughForm(page, "admin", password);
    await page.goto("/sites/app");
    const card = page.getByRole("region", { name: "Image" });
    await card.getByRole("radio", { name: /Busybox/ }).check();
    await card.getByText("The template").click();
    expect(await card.locator("pre").textContent()).toContain("exec httpd");
    await card.getByLabel("Replace run.sh with this image's template").check();
    await screenshot(page, "12-site-image");
    page.once("dialog", (dialog) => void dialog.accept()); // "Replace this site's run.sh …?"
    await card.getByRole("button", { name: "Apply image" }).click();
    await page
      .getByRole("region", { name: /Operation update image/ })
      .getByText("succeeded", { exact: true })
      .waitFor({ timeout: 90_000 });
    const runScript = await api.request("GET", "/api/sites/app/files/run.sh");
    expect(runScript.text).toContain('exec httpd -f -p "$PORT" -h /site/public');
    await expect
      .poll(
        async () =>
          (await httpRequest({ url: `${director.sitesUrl}/`, host: `app.sites.localhost:${director.ports.sites}` }))
            .text,
        { timeout: 30_000 },
      )
      .toBe("<p>served by the template's run.sh</p>");
    // the busiest page (process, log, image, files) still fits a phone's screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("heading", { level: 1, name: "app" }).waitFor();
    // The traffic graphs redraw at the new width when their resize observer fires, a frame or more after the resize:
    // measured until the page settles (a page that stays too wide still fails after 5 s).
    await expect.poll(() => horizontalOverflowPx(page), { timeout: 5000 }).toBeLessThanOrEqual(0);
    await screenshot(page, "12-phone-dynamic-site-page");
    await admin.close();
    expect(errors).toEqual([]);
  });

  it("lets an administrator retry a failed operation from the operations page and see it succeed", async () => {
    const api = await ApiSession.login(director.managerUrl, "admin", password);
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "flaky", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    const upload = async (body: string) => {
      const answer = await api.request("PUT", "/api/sites/flaky/files/run.sh?mode=755", { body });
      expect(answer.status, answer.text).toBe(200);
    };
    await upload("#!/bin/sh\nexit 3\n");
    const restarted = await api.request("POST", "/api/sites/flaky/restart?wait=true");
    const failed = restarted.json().operation;
    expect(failed, restarted.text).toMatchObject({ kind: "restart_site", status: "failed" });
    expect(JSON.stringify(failed)).toMatch(/SITE_PROCESS_FAILED|exited with code 3/);
    await upload('#!/bin/sh\nexec httpd -f -p "$PORT" -h /site/public\n');

    const admin = await newUserContext(browser, director.managerUrl);
    const page = await admin.newPage();
    const errors = collectPageErrors(page);
    await logInThroughForm(page, "admin", password);
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Operations" }).click();
    await page.getByRole("heading", { level: 1, name: "Operations" }).waitFor();
    await page.getByRole("navigation", { name: "Which operations" }).getByRole("link", { name: "Failed" }).click();
    const row = page.locator(`tr[data-operation-id="${failed.id}"]`);
    await row.getByText("failed", { exact: true }).waitFor();
    await screenshot(page, "13-admin-operations-failed");
    // found by its number (what an email or a colleague gives), or opened from its row
    await page.getByLabel("Find an operation by its number").fill(` ${failed.id} `);
    await page.getByRole("button", { name: "Show", exact: true }).click();
    const opened = page.getByRole("region", { name: `Operation ${failed.id}`, exact: true });
    await opened.waitFor();
    expect(page.url()).toContain(`id=${failed.id}`);
    // nothing is out of line but the process itself: reconcile says so, and the retry is what helps
    await row.getByRole("link", { name: `Operation ${failed.id}: steps` }).click();
    await opened.getByRole("button", { name: "Check and repair flaky" }).click();
    await opened.getByRole("status").getByText("1 site checked: everything is in line.").waitFor();
    await row.getByRole("button", { name: `Retry operation ${failed.id}` }).click();
    const detail = page.getByRole("region", { name: `Operation ${failed.id}`, exact: true });
    await detail.getByText("succeeded", { exact: true }).first().waitFor({ timeout: 90_000 });
    await screenshot(page, "14-admin-operation-retried");
    expect((await api.request("GET", `/api/operations/${failed.id}`)).json()).toMatchObject({ status: "succeeded" });
    expect((await api.request("GET", "/api/sites/flaky/process")).json()).toMatchObject({ state: "running" });
    await admin.close();
    expect(errors).toEqual([]);
  });
});
