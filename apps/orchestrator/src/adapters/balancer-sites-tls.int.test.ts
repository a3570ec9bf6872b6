/**
 * The sites domain over HTTPS with a wildcard certificate (DIRECTOR_SITES_CERTIFICATE_FILE), in a real nginx: a
 * static site from the shared server and a running dynamic site from its own block, both with the wildcard; a
 * replaced certificate is served after the next look without touching any site's file; a broken one leaves the one
 * in place serving, and stops a fresh start with a clear error.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { Agent, request } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { freePort } from "@director/testing/free-port";
import { createTestCertificateAuthority, type TestCertificateAuthority } from "@director/testing/test-certificates";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxBalancerConfig, sharedServerFileName, siteConfigFileName } from "./balancer-config.js";
import { FsCertificateInspector } from "./certificate-inspector.js";
import { FsSiteIndex } from "./fs-site-index.js";

const log = pino({ level: "silent" });

let nginx: TestNginx;
let ca: TestCertificateAuthority;
let task: Server;
let tlsPort: number;
let wildcard: { certificatePath: string; keyPath: string };
const balancerWith = (sitesCertificate: typeof wildcard) => {
  const index = new FsSiteIndex(path.join(nginx.root, "nginx", "site-index"));
  const certificatesDir = path.join(nginx.root, "certificates");
  return new NginxBalancerConfig({
    files: new NginxConfigStore(nginx.confDirs.sites ?? "", nginx.server, log),
    index,
    directories: { pathOf: (id) => path.join(nginx.root, "sites", String(id)) },
    env: {
      listen: `127.0.0.1:${nginx.port}`,
      sitesDomain: "sites.school.test",
      defaultClientBodyLimitBytes: 1024 * 1024,
      indexDir: index.dir,
      tls: {
        listen: `127.0.0.1:${tlsPort}`,
        certificatesDir,
        certificates: new FsCertificateInspector(certificatesDir, log),
        sitesCertificate,
      },
    },
    fileCacheValidMs: 0,
  });
};
let balancer: NginxBalancerConfig;

/** GET / over HTTPS at `host` (SNI and Host), trusting only the test CA. */
function get(host: string): Promise<{ status: number; body: string; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: tlsPort,
        servername: host,
        headers: { host },
        ca: ca.caPem,
        agent: new Agent({ keepAlive: false, maxCachedSessions: 0 }),
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, serial }));
      },
    );
    req.on("error", reject);
    req.end();
  });
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
