/**
 * A site's own domain end to end against a real `director up` and pebble, the ACME test server from Debian's packages
 * (pebble-challtestsrv answers DNS: every name resolves to 127.0.0.1). A member adds a domain; the worker's domain
 * checker finds its DNS pointing here; the router gets a certificate over a real HTTP-01 challenge answered by the
 * edge nginx; the domain is then served over HTTPS with it (trusting only pebble's root), and HTTP sends it there.
 */

import { access, chmod, rename, rm } from "node:fs/promises";
import path from "node:path";
import { httpRequest } from "@director/testing/http-request";
import { httpsRequest } from "@director/testing/https-request";
import type { TestPebble } from "@director/testing/test-pebble";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPebbleFor } from "./support/acme.js";
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
const publicHost = "director.school.test";
const page = "<!doctype html><h1>The chess club</h1>\n";

/** An HTTPS GET to the edge with SNI `domain`, trusting only `ca`; the answer and the certificate served. */
async function httpsGet(port: number, domain: string, ca: string, pathname = "/") {
  const answer = await httpsRequest({ port, servername: domain, path: pathname, ca });
  if (answer.certificate === null) throw new Error("a fresh connection presented no certificate");
  return { status: answer.status, body: answer.body, certificate: answer.certificate };
}

interface ListedDomain {
  domain: string;
  status: string;
  statusMessage: string;
  certificateExpiresAt: string | null;
}

describe("director up: a site's own domain with a certificate from ACME", () => {
  let director: DirectorProcess;
  let pebble: TestPebble;
  let admin: ApiSession;
  let alice: ApiSession;
  let httpsPort: number;
  let browser: Browser | undefined;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    ({ pebble, httpsPort } = await startPebbleFor(director));
    // Director itself at its own name, over HTTPS with a certificate from the same ACME server.
    director.env.DIRECTOR_PUBLIC_HOST = publicHost;
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    const created = await admin.request("POST", "/api/sites?wait=true", { json: { name: "chess", description: "" } });
    expect(created.status, created.text).toBe(201);
    await admin.request("PUT", "/api/sites/chess/files/public/index.html", { body: page });
    // alice, a student and a member of the site, is the one who adds the domain
    await director.run(["admin", "create-user", "--username", "alice"], `${password}\n`);
    await admin.request("POST", "/api/sites/chess/members", { json: { username: "alice" } });
    alice = await ApiSession.login(director.managerUrl, "alice", password);
  }, 120_000);

  /** Waits for the site's current operation (if any) to end. */
  async function waitUntilSiteIdle(): Promise<void> {
    for (let tries = 0; tries < 240; tries++) {
      const current = (await alice.request("GET", "/api/sites/chess")).json().operation;
      if (current === null || !["pending", "running"].includes(current.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error("the site stayed busy for a minute");
  }

  /** Polls the site's domains until `domain` satisfies `isDone` (60 s at most). */
  async function waitForDomain(domain: string, isDone: (listed: ListedDomain) => boolean): Promise<ListedDomain> {
    let found: ListedDomain | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const listed: ListedDomain[] = (await alice.request("GET", "/api/sites/chess/domains")).json().domains;
      found = listed.find((entry) => entry.domain === domain);
      if (found !== undefined && isDone(found)) return found;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${domain} did not get there: ${JSON.stringify(found)}`);
  }

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await pebble?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  it("serves Director itself over HTTPS at its public host, with a Secure session cookie", async () => {
    const root = await pebble.issuingRootPem();
    let landing: Awaited<ReturnType<typeof httpsGet>> | undefined;
    for (let tries = 0; tries < 120 && landing?.status !== 200; tries++) {
      landing = await httpsGet(httpsPort, publicHost, root).catch(() => undefined);
      if (landing?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(landing?.status).toBe(200);
    expect(landing?.body).toContain("<!doctype html>");
    expect(landing?.certificate.subjectAltName).toBe(`DNS:${publicHost}`);
    const login = await httpsRequest({
      port: httpsPort,
      servername: publicHost,
      ca: root,
      method: "POST",
      path: "/api/auth/login",
      json: { username: "alice", password },
    });
    expect(login.status, login.body).toBe(200);
    const cookie = String(login.headers["set-cookie"]);
    expect(cookie).toMatch(/^__Host-director_session=[^;]+;.*Secure/);
    // A database import as large as DIRECTOR_MAX_DATABASE_IMPORT_BYTES allows gets through nginx to the manager
    // (which answers that chess has no database), not refused by nginx at the 10 MiB upload limit.
    const dump = Buffer.alloc(24 * 1024 * 1024, 1);
    const imported = await httpsRequest({
      port: httpsPort,
      servername: publicHost,
      ca: root,
      method: "POST",
      path: "/api/sites/chess/database/import",
      body: dump,
      headers: { authorization: `Bearer ${JSON.parse(login.body).token}` },
      timeoutMs: 60_000,
    });
    expect(imported.headers["content-type"], imported.body).toMatch(/^application\/json/);
    expect(imported.status).not.toBe(413);
    expect(JSON.parse(imported.body).error.code).not.toBe("DATABASE_IMPORT_TOO_LARGE");
    // Plain HTTP to Director's name goes to HTTPS, keeping the path.
    const plain = await httpRequest({ url: `${director.sitesUrl}/sites/chess`, host: publicHost });
    expect(plain.status).toBe(301);
    expect(plain.headers.location).toBe(`https://${publicHost}:${httpsPort}/sites/chess`);
  }, 120_000);

  it("shows a member the domain waiting for DNS, then active once DNS points here and the certificate came", async () => {
    // The domain points elsewhere at first, as a domain does until its owner changes its DNS.
    await pebble.setAddresses("club.chess-club.test", ["192.0.2.44"]);
    // The member uses Director over HTTPS (the live channel through nginx included). Chromium cannot be given
    // pebble's root here; the test above checked the certificate with it.
    browser = await launchChromium([`--host-resolver-rules=MAP ${publicHost} 127.0.0.1`]);
    const context = await newUserContext(browser, `https://${publicHost}:${httpsPort}`, { ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await logInAcceptingGuidelines(page, "alice", password);
    await page.goto("/sites/chess");
    await page.getByRole("heading", { name: "Domains" }).waitFor();
    await page.getByLabel("Add a domain").fill("Club.Chess-Club.test");
    await page.getByRole("button", { name: "Add", exact: true }).last().click();
    const entry = page.locator('li[data-domain="club.chess-club.test"]');
    const status = entry.getByTestId("domain-status");
    await status.getByText("Waiting for DNS").waitFor();
    await entry.getByText("points to 192.0.2.44, not here").waitFor({ timeout: 30_000 });
    await entry.getByText("club.chess-club.test A 127.0.0.1").waitFor();
    await screenshot(page, "30-domain-waiting-for-dns");

    // The owner fixes DNS and asks for a check now; the page follows on its own to "Active" with the expiry.
    await pebble.setAddresses("club.chess-club.test", []);
    await entry.getByRole("button", { name: "Check again" }).click();
    await status.getByText(/Active, certificate until/).waitFor({ timeout: 60_000 });
    await screenshot(page, "31-domain-active");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it("issues a certificate once the domain points here, and serves the site over HTTPS with it", async () => {
    // The previous domain's certificate operation may still be finishing; a domain added meanwhile would be served by
    // its own certificate operation instead of at once (domains.int.test.ts), and this test follows the quiet path.
    await waitUntilSiteIdle();
    const added = await alice.request("POST", "/api/sites/chess/domains?wait=true", {
      json: { domain: "www.Chess-Club.test" },
    });
    expect(added.status, added.text).toBe(201);
    expect(added.json().domain).toMatchObject({
      domain: "www.chess-club.test",
      dnsRecords: [{ type: "A", name: "www.chess-club.test", value: "127.0.0.1" }],
    });
    // Served over HTTP at once (the challenge needs it), before any certificate.
    const overHttp = await httpRequest({ url: `${director.sitesUrl}/`, host: "www.chess-club.test" });
    expect(overHttp.text).toBe(page);

    // The checker finds DNS right, the operation gets the certificate: the domain becomes active with its expiry.
    const deadline = Date.now() + 60_000;
    let domain: { status: string; statusMessage: string; certificateExpiresAt: string | null } | undefined;
    while (Date.now() < deadline) {
      const listed: Array<typeof domain & { domain: string }> = (
        await alice.request("GET", "/api/sites/chess/domains")
      ).json().domains;
      domain = listed.find((entry) => entry.domain === "www.chess-club.test");
      if (domain?.status === "active" || domain?.status === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(domain, JSON.stringify(domain)).toMatchObject({ status: "active", statusMessage: "" });
    const expiresAt = new Date(domain?.certificateExpiresAt ?? 0);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 7 * 24 * 3600 * 1000);

    const root = await pebble.issuingRootPem();
    // The balancer's HTTPS block is written by the certificate operation's last step; allow it its reload.
    let answer: Awaited<ReturnType<typeof httpsGet>> | undefined;
    for (let tries = 0; tries < 40; tries++) {
      answer = await httpsGet(httpsPort, "www.chess-club.test", root).catch(() => undefined);
      if (answer?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(answer?.status).toBe(200);
    expect(answer?.body).toBe(page);
    expect(answer?.certificate.subjectAltName).toContain("DNS:www.chess-club.test");

    // HTTP now sends the domain to HTTPS, keeping the path; the challenge path stays answered over HTTP.
    const redirected = await httpRequest({ url: `${director.sitesUrl}/about?x=1`, host: "www.chess-club.test" });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.location).toBe(`https://www.chess-club.test:${httpsPort}/about?x=1`);
    const challenge = await httpRequest({
      url: `${director.sitesUrl}/.well-known/acme-challenge/no-such-token`,
      host: "www.chess-club.test",
    });
    expect(challenge.status).toBe(404);

    // The key is root's alone.
    const keyMode = (await import("node:fs/promises")).stat(
      path.join(director.dataDir, "router", "certificates", "www.chess-club.test", "privkey.pem"),
    );
    expect(((await keyMode).mode & 0o777).toString(8)).toBe("600");
  }, 120_000);

  it("refuses a name no site has over HTTPS instead of showing another site's certificate", async () => {
    const root = await pebble.issuingRootPem();
    await expect(httpsGet(httpsPort, "unknown.chess-club.test", root)).rejects.toThrow();
  });

  it("shows a failed challenge with its reason while the other domains keep serving, and a retry then succeeds", async () => {
    // The challenge files become unreadable to nginx (as a broken edge would make them): the authority's check fails.
    const challenges = path.join(director.dataDir, "router", "acme-challenges");
    await chmod(challenges, 0o700);
    try {
      const added = await alice.request("POST", "/api/sites/chess/domains", {
        json: { domain: "shop.chess-club.test" },
      });
      expect(added.status, added.text).toBe(201);
      const failed = await waitForDomain(
        "shop.chess-club.test",
        (domain) => domain.status !== "waiting_dns" && domain.status !== "issuing",
      );
      expect(failed).toMatchObject({ status: "failed", certificateExpiresAt: null });
      expect(failed.statusMessage).toMatch(/^No certificate yet: .*(challenge|403|unauthorized)/i);

      // The domains that have their certificates serve on.
      const root = await pebble.issuingRootPem();
      expect((await httpsGet(httpsPort, "www.chess-club.test", root)).status).toBe(200);
      expect((await httpsGet(httpsPort, "club.chess-club.test", root)).status).toBe(200);
    } finally {
      await chmod(challenges, 0o755);
    }
    // Fixed: the member asks for a check now instead of waiting out the backoff.
    const retried = await alice.request("POST", "/api/sites/chess/domains/shop.chess-club.test/retry");
    expect(retried.status, retried.text).toBe(200);
    const active = await waitForDomain("shop.chess-club.test", (domain) => domain.status === "active");
    expect(active.statusMessage).toBe("");
    // Taken off at once, while its certificate's last step may still run: accepted either way, and gone soon after.
    const removed = await alice.request("DELETE", "/api/sites/chess/domains/shop.chess-club.test?wait=true");
    expect([200, 202], removed.text).toContain(removed.status);
    for (let tries = 0; tries < 120; tries++) {
      const listed: ListedDomain[] = (await alice.request("GET", "/api/sites/chess/domains")).json().domains;
      if (!listed.some((entry) => entry.domain === "shop.chess-club.test")) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    let served = await httpRequest({ url: `${director.sitesUrl}/`, host: "shop.chess-club.test" });
    for (let tries = 0; tries < 40 && served.status !== 404; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      served = await httpRequest({ url: `${director.sitesUrl}/`, host: "shop.chess-club.test" });
    }
    expect(served.status).toBe(404);
    await waitUntilSiteIdle();
    await expect(
      access(path.join(director.dataDir, "router", "certificates", "shop.chess-club.test")),
    ).rejects.toThrow();
  }, 120_000);

  it("shows an administrator every domain with its status and certificate's end", async () => {
    if (browser === undefined) throw new Error("the first browser test did not run");
    const context = await newUserContext(browser, `https://${publicHost}:${httpsPort}`, { ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await logInAcceptingGuidelines(page, "admin", password);
    await page.getByRole("link", { name: "Domains" }).click();
    await page.getByRole("heading", { level: 1, name: "Domains" }).waitFor();
    for (const domain of ["club.chess-club.test", "www.chess-club.test"]) {
      const row = page.locator(`tr[data-domain="${domain}"]`);
      await row.getByText("Active").waitFor();
      await row.getByRole("link", { name: "chess", exact: true }).waitFor();
      expect(await row.locator("time").count()).toBe(1);
    }
    await page.getByText("none needs attention.").waitFor();
    await screenshot(page, "32-admin-domains");
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("has reconcile report and put back a lost certificate, and remove one no site has", async () => {
    await waitUntilSiteIdle();
    const certificates = path.join(director.dataDir, "router", "certificates");
    // www's certificate is lost, and one for a domain no site has appears (as a deleted site's could be left).
    await rename(path.join(certificates, "www.chess-club.test"), path.join(certificates, "stale.chess-club.test"));
    const dryRun = await director.run(["reconcile", "--dry-run", "--json"]);
    expect(dryRun.code, dryRun.stderr).toBe(1);
    const report = JSON.parse(dryRun.stdout);
    const kindsOf = (site: string) =>
      report.items
        .find((entry: { site: string }) => entry.site === site)
        ?.drift.map((found: { kind: string }) => found.kind);
    expect(kindsOf("chess")).toContain("certificate_missing");
    expect(kindsOf("stale.chess-club.test")).toEqual(["orphan_certificate"]);

    const repaired = await director.run(["reconcile", "--json"]);
    expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
    await access(path.join(certificates, "www.chess-club.test", "fullchain.pem"));
    await expect(access(path.join(certificates, "stale.chess-club.test"))).rejects.toThrow();
    // Director's own certificate is no site's, and kept.
    await access(path.join(certificates, publicHost, "fullchain.pem"));
    const root = await pebble.issuingRootPem();
    const served = await httpsGet(httpsPort, "www.chess-club.test", root);
    expect(served.status).toBe(200);
    expect(served.certificate.subjectAltName).toContain("DNS:www.chess-club.test");
    const again = await director.run(["reconcile", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ isInSync: true, items: [] });
  }, 120_000);

  it("takes the domain off: no longer served, its certificate removed", async () => {
    await waitUntilSiteIdle();
    const removed = await alice.request("DELETE", "/api/sites/chess/domains/www.chess-club.test?wait=true");
    expect(removed.status, removed.text).toBe(200);
    expect(removed.json().operation.steps.map((step: { slug: string }) => step.slug)).toEqual([
      "write_balancer_config",
      "add_route",
      "remove_certificate",
    ]);
    const overHttp = await httpRequest({ url: `${director.sitesUrl}/`, host: "www.chess-club.test" });
    expect(overHttp.status).toBe(404);
    const root = await pebble.issuingRootPem();
    await expect(httpsGet(httpsPort, "www.chess-club.test", root)).rejects.toThrow();
    await expect(
      access(path.join(director.dataDir, "router", "certificates", "www.chess-club.test")),
    ).rejects.toThrow();
  });
});
