/**
 * Sites' own domains over HTTPS in a real nginx, with certificates made by openssl for a test CA: a renewed
 * certificate reaches nginx (the file names its fingerprint, so it changes and is reloaded) while a download begun
 * before carries on through the reload; a domain whose certificate is broken or missing is served over
 * HTTP, and the site's other domains keep HTTPS.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { Agent, request } from "node:https";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { certificateFilesOf } from "@director/contracts/certificate-files";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { CustomDomain } from "@director/domain/custom-domain";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { createTestCertificateAuthority, type TestCertificateAuthority } from "@director/testing/test-certificates";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxBalancerConfig, siteConfigFileName } from "./balancer-config.js";
import { FsCertificateInspector } from "./certificate-inspector.js";
import { FsSiteIndex } from "./fs-site-index.js";

const log = pino({ level: "silent" });
const shop = "shop.example.test" as CustomDomain;
const blog = "blog.example.test" as CustomDomain;

let nginx: TestNginx;
let balancer: NginxBalancerConfig;
let tlsPort: number;
let certificatesDir: string;
let ca: TestCertificateAuthority;
let caPem: string;
let serial = 0;

const spec: BalancerSiteSpec = {
  id: parseSiteId(7),
  name: parseSiteName("shop"),
  type: "static",
  availability: "enabled",
  domains: [blog, shop],
  httpsDomains: [blog, shop],
};

/** Issues a certificate for `domain` from the test CA into the router's layout; answers its serial number. */
async function issue(domain: string): Promise<string> {
  serial += 1;
  const hex = serial.toString(16).padStart(4, "0").toUpperCase();
  await ca.issue({ names: [domain], serialHex: hex, ...certificateFilesOf(certificatesDir, domain) });
  return hex;
}

/** GET / over HTTPS with SNI `domain` through `agent`; the serial of the certificate the connection saw. */
function get(
  agent: Agent,
  domain: string,
): Promise<{ status: number; body: string; serial: string; reused: boolean; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: tlsPort, servername: domain, headers: { host: domain }, ca: caPem, agent },
      (res) => {
        const certificate = (res.socket as TLSSocket).getPeerCertificate();
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            // A request on a kept-alive connection sees no certificate of its own (the handshake was before).
            serial: certificate.serialNumber?.replace(/^0+/, "").padStart(4, "0") ?? "",
            reused: req.reusedSocket,
            hsts: res.headers["strict-transport-security"],
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Starts a GET whose body is not read until `finish`: the connection stays open with the response half sent. */
async function startDownload(
  domain: string,
  urlPath: string,
): Promise<{ finish(): Promise<{ status: number; bytes: number; serial: string }> }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: tlsPort,
        path: urlPath,
        servername: domain,
        headers: { host: domain },
        ca: caPem,
        agent: new Agent({ keepAlive: false, maxCachedSessions: 0 }),
      },
      resolve,
    );
    req.on("error", reject);
    req.end();
  });
  response.pause();
  const serial = (response.socket as TLSSocket).getPeerCertificate().serialNumber.replace(/^0+/, "").padStart(4, "0");
  return {
    finish: () =>
      new Promise((resolve, reject) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes, serial }));
        response.on("error", reject);
        response.resume();
      }),
  };
}

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-https-", includeDirNames: ["sites"], log });
  tlsPort = await freePort();
  certificatesDir = path.join(nginx.root, "certificates");
  ca = await createTestCertificateAuthority(path.join(nginx.root, "ca"));
  caPem = ca.caPem;
  const index = new FsSiteIndex(path.join(nginx.root, "nginx", "site-index"));
  balancer = new NginxBalancerConfig({
    files: new NginxConfigStore(nginx.confDirs.sites ?? "", nginx.server, log),
    index,
    directories: { pathOf: (id) => path.join(nginx.root, "sites", String(id)) },
    env: {
      listen: `127.0.0.1:${nginx.port}`,
      sitesDomain: "sites.localhost",
      defaultClientBodyLimitBytes: 1024 * 1024,
      indexDir: index.dir,
      tls: {
        listen: `127.0.0.1:${tlsPort}`,
        certificatesDir,
        certificates: new FsCertificateInspector(certificatesDir, log),
        hstsMaxAgeSeconds: 600,
      },
    },
    fileCacheValidMs: 0,
  });
  await balancer.prepare();
  await mkdir(path.join(nginx.root, "sites", "7", "public"), { recursive: true });
  await writeFile(path.join(nginx.root, "sites", "7", "public", "index.html"), "the shop\n");
});

afterAll(async () => {
  await nginx?.server.stop();
  if (nginx !== undefined) await rm(nginx.root, { recursive: true, force: true });
});

describe("the balancer's HTTPS servers for sites' own domains", () => {
  it("serves a renewed certificate to new connections, while a download begun before the reload completes", async () => {
    const first = await issue(shop);
    await issue(blog);
    await balancer.upsert(spec);
    const fresh = () => new Agent({ keepAlive: false, maxCachedSessions: 0 });
    // Strict-Transport-Security as configured (DIRECTOR_HSTS_MAX_AGE).
    expect(await get(fresh(), shop)).toMatchObject({
      status: 200,
      body: "the shop\n",
      serial: first,
      hsts: "max-age=600",
    });

    // A visitor's download is under way (paused on our side, so nginx cannot finish it before the reload)...
    const size = 32 * 1024 * 1024;
    await writeFile(path.join(nginx.root, "sites", "7", "public", "big.bin"), Buffer.alloc(size, 7));
    const download = await startDownload(shop, "/big.bin");

    // ...when the router renews: new files under the same names; the worker's step asks for the same spec again.
    const renewed = await issue(shop);
    const before = await readFile(path.join(nginx.confDirs.sites ?? "", siteConfigFileName(spec.id)), "utf8");
    await balancer.upsert(spec);
    const after = await readFile(path.join(nginx.confDirs.sites ?? "", siteConfigFileName(spec.id)), "utf8");
    expect(after).not.toBe(before);
    expect(await get(fresh(), shop)).toMatchObject({ status: 200, serial: renewed });

    // The old worker finishes the download on the old connection with the old certificate.
    expect(await download.finish()).toEqual({ status: 200, bytes: size, serial: first });
    expect(await balancer.render(spec)).toBe(await balancer.read(spec.id));
  });

  it("serves a domain whose certificate is broken over HTTP, and the site's other domain keeps HTTPS", async () => {
    await writeFile(
      certificateFilesOf(certificatesDir, blog).certificatePath,
      "-----BEGIN CERTIFICATE-----\nnot one\n",
    );
    await balancer.upsert(spec);
    const fresh = () => new Agent({ keepAlive: false, maxCachedSessions: 0 });
    expect((await get(fresh(), shop)).status).toBe(200);
    await expect(get(fresh(), blog)).rejects.toThrow();
    const overHttp = await getWithHost(nginx.port, blog);
    expect({ status: overHttp.status, body: overHttp.body.toString() }).toEqual({ status: 200, body: "the shop\n" });
    // shop is sent to HTTPS; blog is not.
    expect((await getWithHost(nginx.port, shop)).status).toBe(301);
  });

  it("treats a key that is not the certificate's, or no files at all, the same way", async () => {
    await issue(blog);
    const other = await issue("other.example.test");
    expect(other).toBeTruthy();
    await writeFile(
      certificateFilesOf(certificatesDir, blog).keyPath,
      await readFile(certificateFilesOf(certificatesDir, "other.example.test").keyPath),
    );
    await balancer.upsert(spec);
    await expect(get(new Agent({ keepAlive: false, maxCachedSessions: 0 }), blog)).rejects.toThrow();
    await rm(path.dirname(certificateFilesOf(certificatesDir, blog).certificatePath), { recursive: true });
    await balancer.upsert(spec);
    expect((await getWithHost(nginx.port, blog)).status).toBe(200);
    expect((await get(new Agent({ keepAlive: false, maxCachedSessions: 0 }), shop)).status).toBe(200);
  });
});
