/**
 * The site workspace in a real Chromium against a real `director up`, as a member of a dynamic site: a page made in
 * the editor and saved with Ctrl+S is served through the sites port; a file written in the terminal appears in the
 * tree without a reload; a folder is renamed and deleted; the site downloads as a zip; the process log shows run.sh's
 * output after a restart; and an administrator's removal of the member closes their terminal within a second.
 * Screenshots of the workspace on a laptop and a phone land in .artifacts/screenshots.
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
const site = "app";
/** Prints a line naming what start-note.txt says, then serves public/. */
const runScript =
  '#!/bin/sh\necho "run.sh started: $(cat /site/start-note.txt)"\nexec httpd -f -p "$PORT" -h /site/public\n';

describe("the web interface: the site workspace", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let browser: Browser;
  let member: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    for (const args of [
      ["--username", "admin", "--superuser"],
      ["--username", "ann", "--name", "Ann Member"],
    ]) {
      const created = await director.run(["admin", "create-user", ...args], `${password}\n`);
      expect(created.code, created.stderr).toBe(0);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: site, type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    const added = await admin.request("POST", `/api/sites/${site}/members`, { json: { username: "ann" } });
    expect(added.status, added.text).toBe(201);
    for (const [path, body] of [
      ["start-note.txt", "first start\n"],
      ["run.sh?mode=755", runScript],
    ] as const) {
      const put = await admin.request("PUT", `/api/sites/${site}/files/${path}`, { body });
      expect(put.status, put.text).toBe(200);
    }
    const restarted = await admin.request("POST", `/api/sites/${site}/restart?wait=true`);
    expect(restarted.json().operation, restarted.text).toMatchObject({ status: "succeeded" });

    browser = await launchChromium();
    member = await newUserContext(browser, director.managerUrl);
    page = await member.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const served = async (path: string) =>
    (await httpRequest({ url: `${director.sitesUrl}${path}`, host: `${site}.sites.localhost:${director.ports.sites}` }))
      .text;
  const tree = () => page.getByRole("tree", { name: "Files" });
  const treeItem = (name: string) => tree().getByRole("treeitem", { name, exact: true });

  it("opens the workspace from the site page", async () => {
    await logInThroughForm(page, "ann", password);
    await page.goto(`/sites/${site}`);
    await page.getByRole("link", { name: "Open workspace" }).click();
    await tree().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/sites/${site}/workspace`);
    await treeItem("run.sh").waitFor();
    // from here on, every step happens in this one page: a reload would lose this mark
    await page.evaluate("window.workspaceOpenedOnce = true");
  });

  it("makes public/index.html, types into it, saves with Ctrl+S, and the sites port serves it", async () => {
    await page.getByRole("toolbar", { name: "File actions" }).getByRole("button", { name: "New file" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Name" }).fill("public/index.html");
    await dialog.getByRole("button", { name: "OK" }).click();
    await dialog.waitFor({ state: "detached" });
    await treeItem("index.html").waitFor();
    const contents = page.getByRole("textbox", { name: "Contents of index.html" });
    await contents.click();
    await page.keyboard.type("Hello from the workspace");
    await page.getByRole("tab", { name: "index.html (unsaved)" }).waitFor();
    expect(await page.locator('.editor-tab[data-modified="true"]').count()).toBe(1);
    await page.keyboard.press("Control+S");
    await page.getByRole("tab", { name: "index.html", exact: true }).waitFor();
    expect(await page.locator('.editor-tab[data-modified="true"]').count()).toBe(0);
    await expect.poll(() => served("/"), { timeout: 10_000 }).toBe("Hello from the workspace");
  });

  it("edits with Vim's keys once chosen in the settings, and with the standard ones again after", async () => {
    const chooseKeys = async (name: string) => {
      await page.getByRole("button", { name: "Settings" }).click();
      await page.getByRole("radio", { name }).check();
      await page.getByRole("button", { name: "Settings" }).click();
    };
    await chooseKeys("Vim");
    const contents = page.getByRole("textbox", { name: "Contents of index.html" });
    await contents.click();
    // Vim's keys are a chunk of their own: typed once the editor is in Vim's mode.
    await page.locator(".cm-scroller.cm-vimMode").waitFor();
    // Normal mode: A appends at the end of the line, Escape leaves insert mode, u undoes.
    await page.keyboard.press("A");
    await page.keyboard.type("!");
    await page.keyboard.press("Escape");
    await expect.poll(() => contents.textContent()).toBe("Hello from the workspace!");
    await page.keyboard.press("u");
    await expect.poll(() => contents.textContent()).toBe("Hello from the workspace");
    await page.getByRole("tab", { name: "index.html", exact: true }).waitFor();
    await chooseKeys("Standard");
    await page.locator(".cm-scroller.cm-vimMode").waitFor({ state: "detached" });
    await contents.click();
    await page.keyboard.press("End");
    await page.keyboard.type("A");
    await expect.poll(() => contents.textContent()).toBe("Hello from the workspaceA");
    await page.keyboard.press("Backspace");
    await page.getByRole("tab", { name: "index.html", exact: true }).waitFor();
  });

  it("shows a file written in the terminal in the tree, without a reload", async () => {
    await page.getByRole("tab", { name: "Terminal 1" }).waitFor();
    await waitForTerminalReady(page);
    await runInTerminal(page, "echo hi > public/x.txt && echo wrote-x", "wrote-x");
    await treeItem("x.txt").waitFor({ timeout: 5_000 });
    expect(await served("/x.txt")).toBe("hi\n");
    expect(await page.evaluate("window.workspaceOpenedOnce")).toBe(true);
  });

  it("renames and deletes a folder", async () => {
    await page.getByRole("button", { name: "Actions for public" }).click();
    await page.getByRole("menu", { name: "Actions for public" }).getByRole("menuitem", { name: "New folder" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Name" }).fill("drafts");
    await dialog.getByRole("button", { name: "OK" }).click();
    await treeItem("drafts").waitFor();
    const put = await admin.request("PUT", `/api/sites/${site}/files/public/drafts/note.txt`, { body: "a draft" });
    expect(put.status, put.text).toBe(200);

    await treeItem("drafts").click(); // selects it (and opens it)
    const toolbar = page.getByRole("toolbar", { name: "File actions" });
    await toolbar.getByRole("button", { name: "Rename" }).click();
    const path = dialog.getByRole("textbox", { name: "New path" });
    expect(await path.inputValue()).toBe("public/drafts");
    await path.fill("public/notes");
    await dialog.getByRole("button", { name: "Rename" }).click();
    await treeItem("notes").waitFor();
    await treeItem("drafts").waitFor({ state: "detached" });
    expect((await admin.request("GET", `/api/sites/${site}/files/public/notes/note.txt`)).text).toBe("a draft");

    // the renamed folder stays the one the toolbar acts on
    await toolbar.getByRole("button", { name: "Delete" }).click();
    await dialog.getByRole("heading", { name: "Delete notes?" }).waitFor();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await treeItem("notes").waitFor({ state: "detached" });
    expect((await admin.request("GET", `/api/sites/${site}/files/public/notes`)).status).toBe(404);
    // nothing is selected any more: nothing to rename or delete, and new files go into the site directory
    expect(await toolbar.getByRole("button", { name: "Rename" }).isDisabled()).toBe(true);
    expect(await toolbar.getByRole("button", { name: "Delete" }).isDisabled()).toBe(true);
    await page.getByText(`New files go into ${site}.`).waitFor();
  });

  it("downloads the site as a zip with its files", async () => {
    await treeItem("run.sh").click(); // a file at the top: the toolbar acts on the site directory
    const link = page.getByRole("link", { name: "Download as zip" });
    expect(await link.getAttribute("title")).toBe("Download the whole site as a zip");
    const download = page.waitForEvent("download");
    await link.click();
    const entries = await zipEntries(await readFile(await (await download).path()));
    // .home/ is the terminal's home directory, where its shell may keep a history: not the site's content
    const siteEntries = Object.fromEntries(Object.entries(entries).filter(([name]) => !name.startsWith(".home/")));
    expect(siteEntries).toEqual({
      "private/": "",
      "public/": "",
      "public/index.html": "Hello from the workspace",
      "public/x.txt": "hi\n",
      "run.sh": runScript,
      "start-note.txt": "first start\n",
    });
  });

  it("shows run.sh's output in the process log after a restart", async () => {
    await page.getByRole("tab", { name: "Terminal 1" }).click();
    await runInTerminal(page, "echo second start > start-note.txt && echo noted", "noted");
    await page.getByRole("tab", { name: "Process log" }).click();
    const log = page.getByRole("region", { name: "Process log" });
    await log.getByText("run.sh started: first start").waitFor({ timeout: 30_000 });
    await log.getByRole("button", { name: "Restart", exact: true }).click();
    await log.getByText("Restart succeeded").waitFor({ timeout: 60_000 });
    await log.getByText("run.sh started: second start").waitFor({ timeout: 30_000 });
    await expect.poll(() => served("/"), { timeout: 30_000 }).toBe("Hello from the workspace");
  });

  it("looks right on a laptop and on a phone, with a file open and the terminal's output", async () => {
    await treeItem("index.html").click();
    await page.getByRole("tab", { name: "Terminal 1" }).click();
    await runInTerminal(page, "ls -l public", / x\.txt$/);
    expect(await horizontalOverflowPx(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "workspace-laptop");
    await guidePicture(page, "workspace");

    const phone = await newUserContext(browser, director.managerUrl, { isPhone: true });
    const phonePage = await phone.newPage();
    const phoneErrors = collectPageErrors(phonePage);
    await logInThroughForm(phonePage, "ann", password);
    await phonePage.goto(`/sites/${site}/workspace`);
    await phonePage.getByRole("tree", { name: "Files" }).getByRole("treeitem", { name: "index.html" }).click();
    await phonePage.getByRole("textbox", { name: "Contents of index.html" }).waitFor();
    await waitForTerminalReady(phonePage);
    await runInTerminal(phonePage, "ls -l public", / x\.txt$/);
    expect(await horizontalOverflowPx(phonePage)).toBeLessThanOrEqual(0);
    await screenshot(phonePage, "workspace-phone");
    await phone.close();
    expect(phoneErrors).toEqual([]);
  });

  it("closes the terminal of a member an administrator removes, within a second", async () => {
    await page.getByRole("button", { name: "New terminal" }).click();
    await page.getByRole("tab", { name: "Terminal 2" }).waitFor();
    await waitForTerminalReady(page);
    await runInTerminal(page, "echo still-a-member", "still-a-member");
    const removed = await admin.request("DELETE", `/api/sites/${site}/members/ann`);
    const removedAt = Date.now();
    expect(removed.status, removed.text).toBe(200);
    const shown = page.locator(".terminal-view:not([hidden])").getByRole("alert");
    await shown.getByText("You no longer have access to this site").waitFor({ timeout: 5_000 });
    const elapsedMs = Date.now() - removedAt;
    expect(elapsedMs, `shown ${elapsedMs} ms after the removal`).toBeLessThan(1000);
    await shown.getByRole("button", { name: "Reconnect" }).waitFor();
    // the member's other terminal closed too
    await page.getByRole("tab", { name: "Terminal 1" }).click();
    await shown.getByText("You no longer have access to this site").waitFor();
    expect(pageErrors).toEqual([]);
  });
});

/** Waits until the shown terminal's connection is up (its "Starting terminal…" line gone) and the shell wrote. */
async function waitForTerminalReady(page: Page): Promise<void> {
  const view = page.locator(".terminal-view:not([hidden])");
  await view.locator('[data-testid="terminal"]').waitFor();
  await view.getByRole("status").waitFor({ state: "detached", timeout: 90_000 });
  await expect.poll(() => terminalLines(page), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/\S/));
}

/** Types `command` into the shown terminal and waits for a line that is `expectedLine` (or matches it). */
async function runInTerminal(page: Page, command: string, expectedLine: string | RegExp): Promise<void> {
  await page.locator('.terminal-view:not([hidden]) [data-testid="terminal"]').click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
  await expect
    .poll(() => terminalLines(page), { timeout: 20_000 })
    .toContainEqual(typeof expectedLine === "string" ? expectedLine : expect.stringMatching(expectedLine));
}

/** The lines in the shown terminal's buffer (xterm's public API, through window.__directorTerminals). */
async function terminalLines(page: Page): Promise<string[]> {
  // A string: the e2e tsconfig has no DOM types; the expression runs in the page. A hidden tab's terminal has no
  // offsetParent.
  const shown = "(window.__directorTerminals ?? []).filter((terminal) => terminal.element?.offsetParent)";
  return (await page.evaluate(`${shown}.flatMap((terminal) => {
    const buffer = terminal.buffer.active;
    const lines = [];
    for (let index = 0; index < buffer.length; index++) lines.push(buffer.getLine(index)?.translateToString(true) ?? "");
    return lines;
  })`)) as string[];
}
