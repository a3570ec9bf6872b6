/**
 * Database hosts against a real `director up`: an administrator registers the machine's PostgreSQL (127.0.0.1:5432,
 * user postgres, trust), which the orchestrator checks by connecting to it, and sees it listed without its admin
 * password; a host nobody listens on is refused and not stored. `director up` made the secrets key itself.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  launchChromium,
  logInAcceptingGuidelines,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "database hosts e2e password";
// Trust authentication ignores it; it is there to be looked for in every answer.
const adminPassword = "e2e-admin-pa55word";
const localPostgres = {
  name: "local-pg",
  kind: "postgres",
  siteHost: "127.0.0.1",
  sitePort: 5432,
  adminUrl: `postgres://postgres:${adminPassword}@127.0.0.1:5432/postgres`,
  maxDatabases: 10,
};

describe("database hosts on director up", () => {
  let director: DirectorProcess;
  let api: ApiSession;

  beforeAll(async () => {
    // Without its own host (DIRECTOR_LOCAL_DATABASE_HOST=false), the list holds only what administrators register.
    director = await DirectorProcess.create({ DIRECTOR_LOCAL_DATABASE_HOST: "false" });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
  });

  afterAll(async () => {
    await director?.dispose();
  });

  it("keeps a secrets key it made in secrets.json", async () => {
    const secrets = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8"));
    expect(Buffer.from(secrets.secretsKey, "base64")).toHaveLength(32);
  });

  it("registers the machine's PostgreSQL once the orchestrator checked it, and lists it without the password", async () => {
    const created = await api.request("POST", "/api/admin/database-hosts", { json: localPostgres });
    expect(created.status, created.text).toBe(201);
    const listed = await api.request("GET", "/api/admin/database-hosts");
    expect(listed.json().databaseHosts).toEqual([
      expect.objectContaining({ name: "local-pg", adminUser: "postgres", adminAddress: "127.0.0.1:5432" }),
    ]);
    for (const answer of [created, listed]) expect(answer.text).not.toContain(adminPassword);
  });

  it("refuses a host nobody listens on, and stores nothing", async () => {
    const refused = await api.request("POST", "/api/admin/database-hosts", {
      json: { ...localPostgres, name: "nowhere", adminUrl: "postgres://postgres@127.0.0.1:1/postgres" },
    });
    expect([refused.status, refused.json().error.code]).toEqual([503, "DATABASE_HOST_UNAVAILABLE"]);
    const listed = await api.request("GET", "/api/admin/database-hosts");
    expect(listed.json().databaseHosts.map((host: { name: string }) => host.name)).toEqual(["local-pg"]);
  });

  it("in the browser: an administrator sees the hosts, stops one taking databases, and sees a refusal in words", async () => {
    const browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      const pageErrors = collectPageErrors(page);
      await logInAcceptingGuidelines(page, "admin", password);
      await page.getByRole("link", { name: "Databases" }).click();
      await page.getByRole("heading", { level: 1, name: "Database hosts" }).waitFor();
      const row = page.locator("tr", { hasText: "local-pg" });
      await row.getByText("postgres@127.0.0.1:5432").waitFor();
      expect(await page.content()).not.toContain(adminPassword);
      await row.getByLabel("local-pg takes new databases").click();
      await expect
        .poll(async () => (await api.request("GET", "/api/admin/database-hosts")).json().databaseHosts[0].isAccepting)
        .toBe(false);
      await expect.poll(() => row.getByLabel("local-pg takes new databases").isChecked()).toBe(false);

      await page.getByText("Register a database host").click();
      await page.getByLabel("Name").fill("nowhere");
      await page.getByLabel("Address sites connect to").fill("127.0.0.1");
      await page.getByLabel("Admin URL").fill("postgres://postgres@127.0.0.1:1/postgres");
      await page.getByRole("button", { name: "Register" }).click();
      await page.getByText(/could not be reached/).waitFor();
      await screenshot(page, "admin-database-hosts");
      const names = (await api.request("GET", "/api/admin/database-hosts"))
        .json()
        .databaseHosts.map((host: { name: string }) => host.name);
      expect(names).toEqual(["local-pg"]);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
