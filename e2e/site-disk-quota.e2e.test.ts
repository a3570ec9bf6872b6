/**
 * Disk quotas on a real `director up`: each site is its own volume (a loop-mounted ext4 image) at the default quota;
 * an administrator gives a site a small one of its own; the files API refuses an upload past it with
 * SITE_QUOTA_EXCEEDED and the figures and writes nothing, while another site still takes its files; the site page
 * shows the meter and the 90 % warning, the Usage page lists the fullest site first. Members cannot change quotas.
 * A dynamic site's own process (a Swarm task running as the site's account) is stopped at its quota by the kernel.
 * More attacks from inside a container are in adapters/loop-site-volumes.int.test.ts.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { httpRequest } from "@director/testing/http-request";
import type { Browser } from "playwright-core";
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

const password = "correct horse battery staple";
const MiB = 1024 * 1024;

describe("director up: each site held to its disk quota", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let ann: ApiSession;
  let browser: Browser | undefined;

  beforeAll(async () => {
    director = await DirectorProcess.create({
      DIRECTOR_LOCAL_DATABASE_HOST: "false",
      // Measured every 2 s rather than every minute: the meter follows an upload within the test.
      DIRECTOR_DISK_USAGE_INTERVAL_MS: "2000",
      DIRECTOR_TRAFFIC_INTERVAL_MS: "0",
      DIRECTOR_RESOURCES_INTERVAL_MS: "0",
    });
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    await director.run(["admin", "create-user", "--username", "ann"], `${password}\n`);
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    for (const name of ["full", "roomy"]) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name, type: "static" } });
      expect(created.status, created.text).toBe(201);
      expect((await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "ann" } })).status).toBe(
        201,
      );
    }
  });

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  /** The site's disk as the usage route shows it, once measured (and, when given, once `isDone` holds). */
  async function diskOf(
    site: string,
    isDone: (disk: Record<string, unknown>) => boolean = () => true,
    who: () => ApiSession = () => ann,
  ) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = await who().request("GET", `/api/sites/${site}/usage`);
      expect(answer.status, answer.text).toBe(200);
      const usage = answer.json();
      if ((usage.disk !== null && isDone(usage.disk)) || Date.now() > deadline) return usage.disk;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  const upload = (who: ApiSession, site: string, name: string, bytes: number) =>
    who.request("PUT", `/api/sites/${site}/files/private/${name}`, { body: Buffer.alloc(bytes, 0x61) });

  it("gives each site its own volume at the default quota", async () => {
    const images = await readdir(path.join(director.dataDir, "site-volumes"));
    expect(images.filter((name) => name.endsWith(".ext4"))).toHaveLength(2);
    const disk = await diskOf("full");
    expect(disk).toMatchObject({ quotaBytes: 1024 * MiB, ownQuotaBytes: null, isNearQuota: false });
    expect(disk.usedBytes).toBeLessThan(MiB);
  });

  it("lets only administrators set a quota, and checks it", async () => {
    const refused = await ann.request("PUT", "/api/sites/full/disk-quota", { json: { quotaBytes: 16 * MiB } });
    expect(refused.status).toBe(403);
    const tooSmall = await admin.request("PUT", "/api/sites/full/disk-quota", { json: { quotaBytes: MiB } });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.json().error.code).toBe("VALIDATION_FAILED");
    expect((await diskOf("full")).quotaBytes).toBe(1024 * MiB); // unchanged
    const set = await admin.request("PUT", "/api/sites/full/disk-quota", { json: { quotaBytes: 16 * MiB } });
    expect(set.status, set.text).toBe(200);
    expect(set.json().disk).toMatchObject({ quotaBytes: 16 * MiB, ownQuotaBytes: 16 * MiB });
  });

  it("refuses an upload past the quota with the figures, writes nothing, and leaves other sites alone", async () => {
    for (const name of ["a.bin", "b.bin"]) {
      const stored = await upload(ann, "full", name, 6 * MiB);
      expect(stored.status, stored.text).toBe(200);
    }
    const refused = await upload(ann, "full", "c.bin", 6 * MiB);
    expect(refused.status).toBe(413);
    const { error } = refused.json();
    expect(error.code).toBe("SITE_QUOTA_EXCEEDED");
    expect(error.details.quotaBytes).toBe(16 * MiB);
    expect(error.details.neededBytes).toBe(6 * MiB);
    expect(error.details.usedBytes).toBeGreaterThanOrEqual(12 * MiB);
    expect(error.message).toMatch(/no room for 6\.0 MiB/);
    const listing = (await ann.request("GET", "/api/sites/full/files/private")).json();
    expect(JSON.stringify(listing)).not.toContain("c.bin");
    expect((await upload(ann, "roomy", "c.bin", 6 * MiB)).status).toBe(200);
    // Deleting makes room again.
    expect((await ann.request("DELETE", "/api/sites/full/files/private/a.bin")).status).toBe(204);
    expect((await upload(ann, "full", "c.bin", 3 * MiB)).status).toBe(200);
  });

  it("warns members at 90 %, and lists the fullest site first for administrators", async () => {
    // 6 + 3 + 5.5 MiB of 16: past 90 %.
    expect((await upload(ann, "full", "d.bin", 5.5 * MiB)).status).toBe(200);
    const disk = await diskOf("full", (candidate) => candidate.isNearQuota === true);
    expect(disk.isNearQuota).toBe(true);
    expect(disk.usedBytes).toBeGreaterThanOrEqual(0.9 * 16 * MiB);
    const fullest = await admin.request("GET", "/api/admin/usage/disk");
    expect(fullest.status).toBe(200);
    expect(fullest.json().sites[0]).toMatchObject({ site: "full", quotaBytes: 16 * MiB });
    expect(fullest.json().sites[0].percent).toBeGreaterThanOrEqual(90);
    expect((await ann.request("GET", "/api/admin/usage/disk")).status).toBe(403);
    const overview = await admin.request("GET", "/api/admin/usage/overview?window=day");
    expect(overview.status, overview.text).toBe(200);
    expect(overview.json()).toMatchObject({ window: "day", sites: { total: 2, static: 2, dynamic: 0 } });
    expect(overview.json().disk.usedBytes).toBeGreaterThanOrEqual(14 * MiB);
    expect(overview.json().disk.freeBytes).toBeGreaterThan(0);
    expect(overview.json().disk.totalBytes).toBeGreaterThan(overview.json().disk.freeBytes);
    expect((await ann.request("GET", "/api/admin/usage/overview")).status).toBe(403);

    browser = await launchChromium();
    const context = await newUserContext(browser, director.managerUrl);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await logInAcceptingGuidelines(page, "ann", password);
    await page.goto("/sites/full");
    await page.getByTestId("disk-near-quota").waitFor();
    await expect(page.getByTestId("site-disk").textContent()).resolves.toMatch(/of 16 MiB \(its own quota\)/);
    await screenshot(page, "site-disk-near-quota");
    // Over a day, the disk per hour against the quota.
    await page.getByRole("button", { name: "Last day" }).click();
    await page.getByTestId("disk-chart").waitFor();
    await screenshot(page, "site-disk-day");
    await context.close();

    const adminContext = await newUserContext(browser, director.managerUrl);
    const adminPage = await adminContext.newPage();
    await logInAcceptingGuidelines(adminPage, "admin", password);
    await adminPage.goto("/admin/usage");
    await adminPage.getByTestId("requests-per-second").waitFor();
    await expect(adminPage.getByTestId("platform-overview").textContent()).resolves.toMatch(/2 static, 0 dynamic/);
    const firstRow = adminPage.getByRole("table", { name: "Fullest disks" }).locator("tbody tr").first();
    await expect(firstRow.getAttribute("data-site")).resolves.toBe("full");
    await screenshot(adminPage, "admin-usage-disk");
    // An administrator gives a site its own quota from its page.
    await adminPage.goto("/sites/roomy");
    const form = adminPage.getByRole("form", { name: "The site's disk quota" });
    await form.getByLabel("Disk quota (MiB)").fill("32");
    await form.getByRole("button", { name: "Set quota" }).click();
    await expect(
      adminPage.getByTestId("site-disk").getByText("of 32 MiB (its own quota)").waitFor(),
    ).resolves.toBeUndefined();
    expect((await admin.request("GET", "/api/sites/roomy/usage")).json().disk.ownQuotaBytes).toBe(32 * MiB);
    await adminContext.close();
    expect(errors).toEqual([]);
  });

  it("stops a dynamic site's own process at its quota, and nothing else", async () => {
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: "writer", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    expect(
      (await admin.request("PUT", "/api/sites/writer/disk-quota", { json: { quotaBytes: 16 * MiB } })).status,
    ).toBe(200);
    // The report's first line takes its block before the disk is full, so dd's complaint still fits in it.
    const script = [
      "#!/bin/sh",
      "echo started > /site/public/dd.txt",
      "dd if=/dev/zero of=/site/private/fill bs=1M count=40 2>> /site/public/dd.txt",
      'echo "exit=$?" >> /site/public/dd.txt',
      'exec httpd -f -p "$PORT" -h /site/public',
      "",
    ].join("\n");
    const uploaded = await admin.request("PUT", "/api/sites/writer/files/run.sh?mode=755", { body: script });
    expect(uploaded.status, uploaded.text).toBe(200);
    expect((await admin.request("POST", "/api/sites/writer/restart?wait=true")).status).toBe(200);
    const deadline = Date.now() + 60_000;
    let report = "";
    while (!report.includes("exit=") && Date.now() < deadline) {
      const answer = await httpRequest({
        url: `${director.sitesUrl}/dd.txt`,
        host: `writer.sites.localhost:${director.ports.sites}`,
      });
      if (answer.status === 200) report = answer.text;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(report).toMatch(/No space left on device/);
    expect(report).toMatch(/exit=1/);
    const disk = await diskOf(
      "writer",
      (candidate) => Number(candidate.usedBytes) > 10 * MiB,
      () => admin,
    );
    expect(disk.usedBytes).toBeLessThanOrEqual(16 * MiB);
    expect(disk.quotaBytes).toBe(16 * MiB);
    // The machine and the other sites are untouched.
    expect((await upload(ann, "roomy", "after.bin", 2 * MiB)).status).toBe(200);
  });

  it("keeps the volumes and their quotas across a restart, and removes a deleted site's volume", async () => {
    await director.stop();
    await director.start();
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    const refused = await upload(ann, "full", "e.bin", 4 * MiB);
    expect(refused.status).toBe(413);
    const listing = (await ann.request("GET", "/api/sites/full/files/private")).json();
    expect(JSON.stringify(listing)).toContain("d.bin");
    const deleted = await admin.request("DELETE", "/api/sites/roomy?wait=true", { json: { confirmName: "roomy" } });
    expect(deleted.status, deleted.text).toBeLessThan(300);
    const images = await readdir(path.join(director.dataDir, "site-volumes"));
    expect(images.filter((name) => name.endsWith(".ext4"))).toHaveLength(2); // full and writer
  });
});
