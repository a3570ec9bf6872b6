/**
 * Each site's traffic on a real `director up`: requests sent to two static sites through the balancer are counted
 * for each exactly (the balancer's nginx logs them, the worker reads the log from the cursor it keeps), errors by
 * class; a restart of `director up` neither loses nor repeats a request. The site page draws the graphs and the
 * administrators' Usage page lists the busiest site first; a stranger sees neither. New traffic reaches an open site
 * page through the live channel.
 */
import { rm } from "node:fs/promises";
import { httpRequest } from "@director/testing/http-request";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import {
  collectPageErrors,
  horizontalOverflowPx,
  launchChromium,
  logInAcceptingGuidelines,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("director up: what each site's visitors ask of it", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let ann: ApiSession;
  let eve: ApiSession;

  beforeAll(async () => {
    director = await DirectorProcess.create({
      DIRECTOR_LOCAL_DATABASE_HOST: "false",
      // A sample every 3 s rather than 30: a test's burst of CPU shows within seconds.
      DIRECTOR_RESOURCES_INTERVAL_MS: "3000",
    });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    for (const username of ["ann", "eve"]) {
      await director.run(["admin", "create-user", "--username", username], `${password}\n`);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    eve = await ApiSession.login(director.managerUrl, "eve", password);
    for (const name of ["busy", "quiet"]) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name, type: "static" } });
      expect(created.status, created.text).toBe(201);
      expect((await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "ann" } })).status).toBe(
        201,
      );
      const page = `<!doctype html><title>${name}</title><p>${name}</p>\n`;
      const uploaded = await admin.request("PUT", `/api/sites/${name}/files/public/index.html`, { body: page });
      expect(uploaded.status, uploaded.text).toBe(200);
    }
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  /** `count` requests for `path` on the site, `concurrency` at a time; the statuses seen, by value. */
  async function send(site: string, count: number, path = "/", concurrency = 8): Promise<Map<number, number>> {
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        const answer = await httpRequest({
          url: `${director.sitesUrl}${path}`,
          host: `${site}.sites.localhost:${director.ports.sites}`,
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return statuses;
  }

  /** The site's totals over the last hour once they reach `requests` (the worker reads the log every 10 s). */
  async function totalsReaching(site: string, requests: number) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const usage = (await ann.request("GET", `/api/sites/${site}/usage?window=hour`)).json();
      if (usage.totals.requests >= requests || Date.now() > deadline) return usage;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  it("counts each site's requests exactly, with their status classes", async () => {
    const busy = await send("busy", 400);
    expect(busy).toEqual(new Map([[200, 400]]));
    const quiet = await send("quiet", 30);
    const missing = await send("quiet", 7, "/no-such-page");
    expect(missing).toEqual(new Map([[404, 7]]));
    expect(quiet.get(200)).toBe(30);

    const busyUsage = await totalsReaching("busy", 400);
    expect(busyUsage.totals.requests).toBe(400);
    expect(busyUsage.window).toBe("hour");
    expect(busyUsage.periodSeconds).toBe(60);
    const quietUsage = await totalsReaching("quiet", 37);
    expect(quietUsage.totals).toMatchObject({ requests: 37, errors: 0 });
    const sum = (key: string) =>
      quietUsage.traffic.reduce((total: number, point: Record<string, number>) => total + (point[key] ?? 0), 0);
    expect([sum("status2xx"), sum("status4xx"), sum("status5xx")]).toEqual([30, 7, 0]);
    expect(quietUsage.totals.bytesSent).toBeGreaterThan(37 * 100);
    // Nothing more arrives later: each request was counted once.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect((await ann.request("GET", "/api/sites/busy/usage")).json().totals.requests).toBe(400);
  });

  it("neither loses nor repeats a request across a restart of director up", async () => {
    await send("quiet", 20);
    await director.stop();
    await director.start();
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    await send("quiet", 10);
    const usage = await totalsReaching("quiet", 67);
    expect(usage.totals.requests).toBe(67);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect((await ann.request("GET", "/api/sites/quiet/usage")).json().totals.requests).toBe(67);
  });

  it("shows a site's traffic to those who see the site only, and the busiest sites to administrators only", async () => {
    const hidden = await eve.request("GET", "/api/sites/busy/usage");
    expect([hidden.status, hidden.json().error.code]).toEqual([404, "SITE_NOT_FOUND"]);
    const notAdmin = await ann.request("GET", "/api/admin/usage/top");
    expect(notAdmin.status).toBe(403);
    for (const url of [
      "/api/sites/busy/usage?window=year",
      "/api/admin/usage/top?by=cpu",
      "/api/admin/usage/top?limit=0",
    ]) {
      const refused = await admin.request("GET", url);
      expect([refused.status, refused.json().error.code], url).toEqual([400, "VALIDATION_FAILED"]);
    }
    const top = await admin.request("GET", "/api/admin/usage/top?window=day&by=requests");
    expect(top.status, top.text).toBe(200);
    expect(top.json().sites.map((site: { site: string }) => site.site)).toEqual(["busy", "quiet"]);
    expect(top.json().sites[0]).toMatchObject({ requests: 400, errors: 0 });
    expect(top.json().sites[0].sparkline).toHaveLength(24);
  });

  it("in the browser: the site page draws the traffic, the Usage page lists the busiest site first", async () => {
    const browser: Browser = await launchChromium();
    try {
      for (const isPhone of [false, true]) {
        const page = await (await newUserContext(browser, director.managerUrl, { isPhone })).newPage();
        const errors = collectPageErrors(page);
        await logInAcceptingGuidelines(page, "ann", password);
        await page.goto("/sites/busy");
        const panel = page.getByRole("region", { name: "Traffic" });
        const totals = panel.getByTestId("usage-totals");
        await totals.getByText(isPhone ? "425" : "400", { exact: true }).waitFor();
        await panel.getByTestId("traffic-chart").locator("canvas").waitFor();
        await panel.getByRole("button", { name: "Last week" }).click();
        await panel.getByText(/Requests per hour/).waitFor();
        await screenshot(page, isPhone ? "site-traffic-phone" : "site-traffic");
        if (!isPhone) {
          // New traffic reaches the open page through the live channel (its own refresh waits a minute).
          expect((await send("busy", 25)).get(200)).toBe(25);
          await totals.getByText("425", { exact: true }).waitFor({ timeout: 30_000 });
        }
        expect(await horizontalOverflowPx(page)).toBeLessThanOrEqual(0);
        expect(errors).toEqual([]);
        await page.context().close();
      }
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      await logInAcceptingGuidelines(page, "admin", password);
      await page.goto("/admin/usage");
      const table = page.getByRole("table", { name: "Busiest sites" });
      await table.locator("tbody tr").first().getByText("busy").waitFor();
      await page.getByLabel("Busiest by").selectOption("errors");
      await table.locator('tr[data-site="quiet"]').waitFor();
      await screenshot(page, "admin-usage");
    } finally {
      await browser.close();
    }
  });

  it("shows a dynamic site's CPU and memory against its limit, from the engine's counters, on its page", async () => {
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: "burner", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    expect((await admin.request("POST", "/api/sites/burner/members", { json: { username: "ann" } })).status).toBe(201);
    // A busy loop: about one core for as long as it runs.
    const runSh = "#!/bin/sh\nwhile :; do :; done\n";
    const uploaded = await ann.request("PUT", "/api/sites/burner/files/run.sh?mode=755", { body: runSh });
    expect(uploaded.status, uploaded.text).toBe(200);
    const restarted = await ann.request("POST", "/api/sites/burner/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(200);

    // Eight seconds of CPU counted (a sample every 3 s; the first of a container counts memory only).
    const deadline = Date.now() + 90_000;
    let usage = (await ann.request("GET", "/api/sites/burner/usage?window=hour")).json();
    const cpuSeconds = (view: { resources: { cpuPercent: number }[] }) =>
      view.resources.reduce((sum, point) => sum + (point.cpuPercent * 60) / 100, 0);
    while (cpuSeconds(usage) < 8 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      usage = (await ann.request("GET", "/api/sites/burner/usage?window=hour")).json();
    }
    expect(cpuSeconds(usage)).toBeGreaterThanOrEqual(8);
    const latest = usage.resources.at(-1);
    expect(latest.memoryBytes).toBeGreaterThan(0);
    expect(latest.memoryLimitBytes).toBe(100 * 1024 * 1024); // the default limit of a dynamic site
    // A static site has no process to show.
    expect((await ann.request("GET", "/api/sites/busy/usage")).json().resources).toEqual([]);
    // Administrators see it first among the busiest processes; nobody else sees the list.
    const processes = await admin.request("GET", "/api/admin/usage/processes?window=hour&by=cpu");
    expect(processes.status, processes.text).toBe(200);
    expect(processes.json().sites[0]).toMatchObject({ site: "burner", memoryLimitBytes: 100 * 1024 * 1024 });
    expect(processes.json().sites[0].cpuPercent).toBeGreaterThan(0);
    expect((await ann.request("GET", "/api/admin/usage/processes")).status).toBe(403);
    const badOrder = await admin.request("GET", "/api/admin/usage/processes?by=disk");
    expect([badOrder.status, badOrder.json().error.code]).toEqual([400, "VALIDATION_FAILED"]);

    const browser: Browser = await launchChromium();
    try {
      const page = await (await newUserContext(browser, director.managerUrl)).newPage();
      const errors = collectPageErrors(page);
      await logInAcceptingGuidelines(page, "ann", password);
      await page.goto("/sites/burner");
      const panel = page.getByRole("region", { name: "Traffic" });
      await panel.getByTestId("cpu-chart").locator("canvas").waitFor({ timeout: 60_000 });
      await panel.getByTestId("memory-chart").locator("canvas").waitFor();
      await screenshot(page, "site-resources");
      expect(errors).toEqual([]);
      const adminPage = await (await newUserContext(browser, director.managerUrl)).newPage();
      await logInAcceptingGuidelines(adminPage, "admin", password);
      await adminPage.goto("/admin/usage");
      const table = adminPage.getByRole("table", { name: "Busiest processes" });
      await table.locator("tbody tr").first().getByText("burner").waitFor();
      await screenshot(adminPage, "admin-usage-processes");
    } finally {
      await browser.close();
    }
  });
});
