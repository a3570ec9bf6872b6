/**
 * The sites domain over HTTPS with a wildcard certificate (DIRECTOR_SITES_CERTIFICATE_FILE), in a real nginx: a
 * static site from the shared server and a running dynamic site from its own block, both with the wildcard; a
 * replaced certificate is served after the next look without touching any site's file; a broken one leaves the one
 * in place serving, and stops a fresh start with a clear error.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { freePort } from "@director/testing/free-port";
import { httpsRequest } from "@director/testing/https-request";
import { createTestCertificateAuthority, type TestCertificateAuthority } from "@director/testing/test-certificates";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NginxBalancerConfig, sharedServerFileName, siteConfigFileName } from "./balancer-config.js";
import { testTlsBalancer } from "./test-tls-balancer.js";

const log = pino({ level: "silent" });

let nginx: TestNginx;
let ca: TestCertificateAuthority;
let task: Server;
let tlsPort: number;
let wildcard: { certificatePath: string; keyPath: string };
const balancerWith = (sitesCertificate: typeof wildcard) =>
  testTlsBalancer(nginx, { tlsPort, sitesDomain: "sites.school.test", log, tls: { sitesCertificate } }).balancer;
let balancer: NginxBalancerConfig;

/** GET / over HTTPS at `host` (SNI and Host), trusting only the test CA; the serial of the certificate served. */
async function get(host: string): Promise<{ status: number; body: string; serial: string | undefined }> {
  const answer = await httpsRequest({ port: tlsPort, servername: host, ca: ca.caPem });
  return { status: answer.status, body: answer.body, serial: answer.certificate?.serialNumber };
}

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-sites-tls-", includeDirNames: ["sites"], log });
  tlsPort = await freePort();
  ca = await createTestCertificateAuthority(path.join(nginx.root, "ca"));
  wildcard = {
    certificatePath: path.join(nginx.root, "wildcard", "fullchain.pem"),
    keyPath: path.join(nginx.root, "wildcard", "privkey.pem"),
  };
  await ca.issue({ names: ["*.sites.school.test"], serialHex: "0B01", ...wildcard });
  balancer = balancerWith(wildcard);
  await balancer.prepare();
  await mkdir(path.join(nginx.root, "sites", "1", "public"), { recursive: true });
  await writeFile(path.join(nginx.root, "sites", "1", "public", "index.html"), "static over https\n");
  task = createServer((req, res) => res.end(`dynamic over ${req.headers["x-forwarded-proto"]}\n`));
  await new Promise<void>((resolve) => task.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => task?.close(resolve));
  await nginx?.server.stop();
  if (nginx !== undefined) await rm(nginx.root, { recursive: true, force: true });
});

describe("the sites domain over HTTPS with a wildcard certificate", () => {
  it("serves a static site and a running dynamic site at their names with it", async () => {
    await balancer.upsert({
      id: parseSiteId(1),
      name: parseSiteName("plain"),
      type: "static",
      availability: "enabled",
    });
    await balancer.upsert({
      id: parseSiteId(2),
      name: parseSiteName("app"),
      type: "dynamic",
      availability: "enabled",
      upstream: { address: "127.0.0.1", port: (task.address() as AddressInfo).port },
    });
    expect(await get("plain.sites.school.test")).toEqual({ status: 200, body: "static over https\n", serial: "0B01" });
    expect(await get("app.sites.school.test")).toEqual({ status: 200, body: "dynamic over https\n", serial: "0B01" });
  });

  it("serves a replaced certificate after the next look, rewriting only the shared file", async () => {
    const dynamicBefore = await readFile(
      path.join(nginx.confDirs.sites ?? "", siteConfigFileName(parseSiteId(2))),
      "utf8",
    );
    const sharedBefore = await readFile(path.join(nginx.confDirs.sites ?? "", sharedServerFileName), "utf8");
    await ca.issue({ names: ["*.sites.school.test"], serialHex: "0B02", ...wildcard });
    expect(await balancer.refreshSitesCertificate()).toBe(true);
    expect(await readFile(path.join(nginx.confDirs.sites ?? "", sharedServerFileName), "utf8")).not.toBe(sharedBefore);
    expect(await readFile(path.join(nginx.confDirs.sites ?? "", siteConfigFileName(parseSiteId(2))), "utf8")).toBe(
      dynamicBefore,
    );
    expect((await get("plain.sites.school.test")).serial).toBe("0B02");
    expect((await get("app.sites.school.test")).serial).toBe("0B02");
  });

  it("keeps the certificate in place when the new files are broken, and refuses to start with them", async () => {
    await writeFile(wildcard.keyPath, "-----BEGIN PRIVATE KEY-----\nbroken\n");
    expect(await balancer.refreshSitesCertificate()).toBe(false);
    expect((await get("plain.sites.school.test")).serial).toBe("0B02");
    await expect(balancerWith(wildcard).prepare()).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    expect((await get("app.sites.school.test")).status).toBe(200);
  });
});
