/**
 * SSH keys in the web interface, in a real Chromium against a real `director up` (its shell server's report removed): a person
 * opens their account from the header, sees that SSH is not available yet, has a private key refused in words under
 * the field, adds a key made by the real ssh-keygen and sees it listed with ssh-keygen's own fingerprint, and removes
 * it after confirming. Once a report of the shell server is in the database (written here as the shell server would
 * through its internal route), the account shows the commands and host key to compare, and a site's page its own
 * command. Screenshots on a laptop and a phone land in .artifacts/screenshots.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ShellServerReportRepository } from "@director/db/shell-server-report.repository";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  horizontalOverflowPx,
  launchChromium,
  logInThroughForm,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const run = promisify(execFile);
const password = "correct horse battery staple";

describe("the web interface: SSH keys", () => {
  let database: ServerTestDatabase;
  let director: DirectorProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let keyDir: string;
  let publicLine: string;
  let privateText: string;
  let fingerprint: string;

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), "director-e2e-ssh-"));
    const file = join(keyDir, "id_ed25519");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ann@laptop", "-f", file]);
    publicLine = (await readFile(`${file}.pub`, "utf8")).trim();
    privateText = await readFile(file, "utf8");
    fingerprint = (await run("ssh-keygen", ["-l", "-f", `${file}.pub`])).stdout.split(" ")[1] ?? "";
    expect(fingerprint).toMatch(/^SHA256:/);

    // A database of the PostgreSQL server, so that the test can write the shell server's report itself.
    database = await createServerTestDatabase();
    director = await DirectorProcess.create({ DATABASE_URL: database.url });
    await director.start();
    const created = await director.run(
      ["admin", "create-user", "--username", "ann", "--name", "Ann Member"],
      `${password}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    // `director up`'s shell server reports itself once it listens: its report is taken away (once it is there), so
    // that the page first shows what a person sees before any shell server has started.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const removed = await database.db.deleteFrom("shell_server_report").executeTakeFirst();
      if (Number(removed.numDeletedRows) > 0) break;
      if (Date.now() > deadline) throw new Error("the shell server never reported");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    browser = await launchChromium();
    page = await (await newUserContext(browser, director.managerUrl)).newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
    await database?.drop();
  });

  const keyList = () => page.getByRole("list", { name: "Your SSH keys" });

  it("opens the account from the header and says the shell server has not started", async () => {
    await logInThroughForm(page, "ann", password);
    await page.getByRole("link", { name: /your account and SSH keys/ }).click();
    await page.getByRole("heading", { level: 1, name: "Account" }).waitFor();
    await page.getByRole("heading", { name: "SSH keys" }).waitFor();
    await page.getByText("You have no SSH key yet.").waitFor();
    await expect
      .poll(() => page.locator('[data-notice="ssh-unavailable"]').textContent())
      .toMatch(/shell server has not started/);
  });

  it("refuses a private key in words under the field, keeping nothing", async () => {
    await page.getByLabel("Label").fill("oops");
    await page.getByLabel("Public key").fill(privateText);
    await page.getByRole("button", { name: "Add key" }).click();
    await expect.poll(() => page.locator(".field-error").textContent()).toMatch(/private key/);
    expect(await keyList().locator("li").count()).toBe(0);
  });

  it("adds a key and lists it with ssh-keygen's fingerprint", async () => {
    await page.getByLabel("Label").fill("school laptop");
    await page.getByLabel("Public key").fill(publicLine);
    await page.getByRole("button", { name: "Add key" }).click();
    const item = keyList().locator("li", { hasText: "school laptop" });
    await item.waitFor();
    expect(await item.getAttribute("data-fingerprint")).toBe(fingerprint);
    expect(await item.locator("code").textContent()).toBe(fingerprint);
    expect(await item.textContent()).toMatch(/ED25519 · 256 bits · added .* · last used never/);
    expect(await page.getByLabel("Public key").inputValue()).toBe("");
    await screenshot(page, "ssh-keys-laptop");
  });

  it("fits a phone's width", async () => {
    const phone = await (await newUserContext(browser, director.managerUrl, { isPhone: true })).newPage();
    const phoneErrors = collectPageErrors(phone);
    await logInThroughForm(phone, "ann", password);
    await phone.goto("/account");
    await phone.getByRole("list", { name: "Your SSH keys" }).locator("li", { hasText: "school laptop" }).waitFor();
    await phone.locator('[data-notice="ssh-unavailable"]').waitFor();
    expect(await horizontalOverflowPx(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, "ssh-keys-phone");
    expect(phoneErrors).toEqual([]);
    await phone.context().close();
  });

  it("removes the key after a confirmation", async () => {
    let question = "";
    page.once("dialog", (dialog) => {
      question = dialog.message();
      void dialog.accept();
    });
    await page.getByRole("button", { name: "Remove the SSH key school laptop" }).click();
    await page.getByText("You have no SSH key yet.").waitFor();
    expect(question).toMatch(/Remove the SSH key "school laptop"/);
    expect(await keyList().locator("li").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("shows the commands and the host key once the shell server has reported, and a site's own command", async () => {
    const hostKey = join(keyDir, "host_ed25519");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
    const hostFingerprint = (await run("ssh-keygen", ["-l", "-f", `${hostKey}.pub`])).stdout.split(" ")[1] ?? "";
    await new ShellServerReportRepository(database.db).save({
      hostKeys: [{ algorithm: "ssh-ed25519", fingerprint: hostFingerprint }],
      port: 2222,
      reportedAt: new Date(),
    });
    await page.goto("/account");
    await page.getByText("ssh -p 2222 ann+SITE@127.0.0.1", { exact: true }).waitFor();
    await page.getByText("sftp -P 2222 ann+SITE@127.0.0.1", { exact: true }).waitFor();
    const hostKeys = page.getByRole("list", { name: "Host key fingerprints" });
    expect(await hostKeys.locator("code").allTextContents()).toEqual([hostFingerprint]);
    expect(await page.locator('[data-notice="ssh-unavailable"]').count()).toBe(0);
    await screenshot(page, "ssh-connect-laptop");

    const ann = await ApiSession.login(director.managerUrl, "ann", password);
    const created = await ann.request("POST", "/api/sites?wait=true", {
      json: { type: "static", purpose: "personal" },
    });
    expect(created.status, created.text).toBe(201);
    await page.goto("/sites/ann");
    await page.getByText("ssh -p 2222 ann+ann@127.0.0.1", { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
