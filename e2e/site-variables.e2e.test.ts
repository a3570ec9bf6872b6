/**
 * A dynamic site's environment variables and secrets on a real `director up`: they reach the process (its run.sh
 * serves `env`), its terminal-less restart happens through an operation, and the secret's value appears nowhere
 * Director writes or answers: not the process log (/logs), the live channel, the operation, the audit log, the
 * variables' own answers, or everything `director up` logged at level debug.
 */
import { rm } from "node:fs/promises";
import { type HttpAnswer, httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
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

const password = "site variables password";
const secret = "sk_live_do-not-leak-4f1c9a";
const secondSecret = "sk_live_rotated-8b2e77";
// Serves its own environment, sorted, from a tmpfs: what the process really got.
const runScript =
  '#!/bin/sh\nmkdir -p /tmp/www\nenv | sort > /tmp/www/index.html\nexec httpd -f -p "$PORT" -h /tmp/www\n';

describe("director up: a dynamic site's variables and secrets", () => {
  let director: DirectorProcess;
  let api: ApiSession;
  const frames: string[] = [];
  let live: WebSocket | undefined;

  beforeAll(async () => {
    director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "debug" });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "envapp", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    const uploaded = await api.request("PUT", "/api/sites/envapp/files/run.sh?mode=755", { body: runScript });
    expect(uploaded.status, uploaded.text).toBe(200);
    // everything the live channel sends a page that shows the site, from before the first change
    live = new WebSocket(`${director.managerUrl.replace(/^http/, "ws")}/ws`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    live.on("message", (data) => frames.push(String(data)));
    await new Promise((resolve, reject) => {
      live?.once("open", resolve);
      live?.once("error", reject);
    });
    live.send(JSON.stringify({ type: "watch", sites: ["envapp"] }));
  });

  afterAll(async () => {
    live?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const site = () =>
    httpRequest({ url: `${director.sitesUrl}/`, host: `envapp.sites.localhost:${director.ports.sites}` });

  /** Polls the site through the router until `predicate` holds (a task takes a few seconds to be replaced). */
  async function until(predicate: (answer: HttpAnswer) => boolean, timeoutMs = 60_000): Promise<HttpAnswer> {
    const deadline = Date.now() + timeoutMs;
    let answer = await site();
    while (!predicate(answer) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await site();
    }
    return answer;
  }

  it("gives the process its variables and secret, restarting it with them", async () => {
    const set = await api.request("PUT", "/api/sites/envapp/variables?wait=true", {
      json: {
        variables: [
          { name: "GREETING", value: "hello from a variable" },
          { name: "STRIPE_KEY", value: secret, isSecret: true },
        ],
      },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json().operation).toMatchObject({ kind: "update_environment", status: "succeeded" });
    expect(set.json().variables).toEqual([
      { name: "GREETING", value: "hello from a variable", isSecret: false, updatedAt: expect.any(String) },
      { name: "STRIPE_KEY", value: null, isSecret: true, updatedAt: expect.any(String) },
    ]);
    const served = await until((answer) => answer.status === 200 && answer.text.includes("GREETING="));
    expect(served.status, served.text).toBe(200);
    expect(served.text).toContain("GREETING=hello from a variable\n");
    expect(served.text).toContain(`STRIPE_KEY=${secret}\n`);
    // Director's own variables are still Director's
    expect(served.text).toMatch(/^PORT=\d+$/m);
  });

  it("changes a secret and removes a variable: the process restarts without the old ones", async () => {
    const set = await api.request("PUT", "/api/sites/envapp/variables?wait=true", {
      json: { variables: [{ name: "STRIPE_KEY", value: secondSecret, isSecret: true }] },
    });
    expect(set.status, set.text).toBe(200);
    const served = await until((answer) => answer.text.includes(secondSecret));
    expect(served.text).toContain(`STRIPE_KEY=${secondSecret}\n`);
    expect(served.text).not.toContain("GREETING=");
    expect(served.text).not.toContain(secret);
  });

  it("edits them from the site page: a new variable saved and the process restarted, the secret never on the page", async () => {
    const browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      const errors = collectPageErrors(page);
      await logInThroughForm(page, "admin", password);
      await page.goto("/sites/envapp");
      const card = page.getByRole("region", { name: "Environment variables" });
      await card.getByPlaceholder("unchanged (secret)").waitFor();
      expect(await card.getByPlaceholder("unchanged (secret)").inputValue()).toBe("");
      await card.getByRole("button", { name: "Add variable" }).click();
      await card.getByPlaceholder("API_URL").last().fill("FROM_THE_PAGE");
      await card.getByLabel("Value").last().fill("typed in a browser");
      await card.getByRole("button", { name: "Save and restart" }).click();
      await card.getByText("Saved; the process restarts with them.").waitFor();
      await page
        .getByRole("region", { name: /Operation update environment/ })
        .getByText("succeeded", { exact: true })
        .waitFor({ timeout: 90_000 });
      const served = await until((answer) => answer.text.includes("FROM_THE_PAGE="));
      expect(served.text).toContain("FROM_THE_PAGE=typed in a browser\n");
      expect(served.text).toContain(`STRIPE_KEY=${secondSecret}\n`); // the secret left empty was kept
      expect(await page.content()).not.toContain(secondSecret);
      await screenshot(page, "site-variables");
      // a reserved name is refused on its row, in words
      await card.getByRole("button", { name: "Add variable" }).click();
      await card.getByPlaceholder("API_URL").last().fill("PORT");
      await card.getByLabel("Value").last().fill("1");
      await card.getByRole("button", { name: "Save and restart" }).click();
      await card.getByText(/PORT is set by Director/).waitFor();
      const phone = await (await newUserContext(browser, director.managerUrl, { isPhone: true })).newPage();
      await logInThroughForm(phone, "admin", password);
      await phone.goto("/sites/envapp");
      await phone
        .getByRole("region", { name: "Environment variables" })
        .getByPlaceholder("unchanged (secret)")
        .waitFor();
      expect(await horizontalOverflowPx(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, "site-variables-phone");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("keeps both secrets out of the log, the live channel, operations, the audit log and Director's own output", async () => {
    const leaks = (text: string) => [secret, secondSecret].filter((value) => text.includes(value));
    const logs = await api.request("GET", "/api/sites/envapp/logs?tailLines=1000");
    expect(logs.status, logs.text).toBe(200);
    expect(logs.text).toContain("DIRECTOR:"); // the log is there, and holds the restarts
    expect(leaks(logs.text)).toEqual([]);

    expect(frames.some((frame) => frame.includes('"update_environment"'))).toBe(true);
    expect(leaks(frames.join("\n"))).toEqual([]);

    const operations = await api.request("GET", "/api/admin/operations?status=all");
    expect(operations.status, operations.text).toBe(200);
    const environmentChanges = operations
      .json()
      .operations.filter((operation: { kind: string }) => operation.kind === "update_environment");
    expect(environmentChanges).toHaveLength(3);
    for (const { id } of environmentChanges) {
      expect(leaks((await api.request("GET", `/api/operations/${id}`)).text)).toEqual([]);
    }
    expect(leaks(operations.text)).toEqual([]);

    const audit = await api.request("GET", "/api/admin/audit?action=site.update_variables");
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json().events.map((event: { details: unknown }) => event.details)).toEqual([
      { added: ["FROM_THE_PAGE"], changed: [], removed: [] },
      { added: [], changed: ["STRIPE_KEY"], removed: ["GREETING"] },
      { added: ["GREETING", "STRIPE_KEY"], changed: [], removed: [] },
    ]);
    expect(leaks(audit.text)).toEqual([]);

    const listed = await api.request("GET", "/api/sites/envapp/variables");
    expect(leaks(listed.text)).toEqual([]);
    expect(director.output).toContain("update_environment"); // debug logging was on and saw the operation
    expect(leaks(director.output)).toEqual([]);
  });

  it("edits the description and switches the site to static from its settings", async () => {
    const uploaded = await api.request("PUT", "/api/sites/envapp/files/public/index.html", { body: "now static\n" });
    expect(uploaded.status, uploaded.text).toBe(200);
    const browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      const errors = collectPageErrors(page);
      await logInThroughForm(page, "admin", password);
      await page.goto("/sites/envapp");
      const settings = page.getByRole("region", { name: "Settings" });
      await settings.getByLabel("Description").fill("Shows its own environment");
      await settings.getByRole("button", { name: "Save description" }).click();
      await settings.getByText("Description saved.").waitFor();
      await page.getByRole("region", { name: "About" }).getByText("Shows its own environment").waitFor();
      page.once("dialog", (dialog) => void dialog.accept());
      await settings.getByRole("button", { name: "Make it static" }).click();
      await page
        .getByRole("region", { name: /Operation change site type/ })
        .getByText("succeeded", { exact: true })
        .waitFor({ timeout: 90_000 });
      await settings.getByRole("button", { name: "Make it dynamic" }).waitFor();
      const served = await until((answer) => answer.text === "now static\n");
      expect(served.status).toBe(200);
      await screenshot(page, "site-settings");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    expect((await api.request("GET", "/api/sites/envapp")).json()).toMatchObject({
      type: "static",
      description: "Shows its own environment",
    });
  });
});
