/**
 * Sites' own domains over HTTPS in a real nginx, with certificates made by openssl for a test CA: a renewed
 * certificate reaches nginx (the file names its fingerprint, so it changes and is reloaded) while a download begun
 * before carries on through the reload; a domain whose certificate is broken or missing is served over
 * HTTP, and the site's other domains keep HTTPS.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { certificateFilesOf } from "@director/contracts/certificate-files";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { CustomDomain } from "@director/domain/custom-domain";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { httpsRequest, openHttpsRequest } from "@director/testing/https-request";
import { createTestCertificateAuthority, type TestCertificateAuthority } from "@director/testing/test-certificates";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NginxBalancerConfig, siteConfigFileName } from "./balancer-config.js";
import { testTlsBalancer } from "./test-tls-balancer.js";

const log = pino({ level: "silent" });
const shop = "shop.example.test" as CustomDomain;
const blog = "blog.example.test" as CustomDomain;

let nginx: TestNginx;
let balancer: NginxBalancerConfig;
let tlsPort: number;
let certificatesDir: string;
let ca: TestCertificateAuthority;
let caPem: string;
// Four hex digits with no leading zero, as X509Certificate.serialNumber reads them back.
let serial = 0x1000;

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
  const hex = serial.toString(16).toUpperCase();
  await ca.issue({ names: [domain], serialHex: hex, ...certificateFilesOf(certificatesDir, domain) });
  return hex;
}

/** GET / over HTTPS with SNI `domain` on a new connection; the serial of the certificate it was served. */
async function get(domain: string) {
  const answer = await httpsRequest({ port: tlsPort, servername: domain, ca: caPem });
  return {
    status: answer.status,
    body: answer.body,
    serial: answer.certificate?.serialNumber,
    hsts: answer.headers["strict-transport-security"],
  };
}

/** Starts a GET whose body is not read until `finish`: the connection stays open with the response half sent. */
async function startDownload(domain: string, urlPath: string) {
  const { answer, message } = await openHttpsRequest({ port: tlsPort, servername: domain, path: urlPath, ca: caPem });
  return {
    finish: async () => {
      let bytes = 0;
      for await (const chunk of message) bytes += (chunk as Buffer).length;
      return { status: answer.status, bytes, serial: answer.certificate?.serialNumber };
    },
  };
}

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-https-", includeDirNames: ["sites"], log });
  tlsPort = await freePort();
  ca = await createTestCertificateAuthority(path.join(nginx.root, "ca"));
  caPem = ca.caPem;
  ({ balancer, certificatesDir } = testTlsBalancer(nginx, {
    tlsPort,
    sitesDomain: "sites.localhost",
    log,
    tls: { hstsMaxAgeSeconds: 600 },
  }));
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
    // Strict-Transport-Security as configured (DIRECTOR_HSTS_MAX_AGE).
    expect(await get(shop)).toMatchObject({
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
    expect(await get(shop)).toMatchObject({ status: 200, serial: renewed });

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
    expect((await get(shop)).status).toBe(200);
    await expect(get(blog)).rejects.toThrow();
    const overHttp = await getWithHost(nginx.port, blog);
    expect({ status: overHttp.status, body: overHttp.body.toString() }).toEqual({ status: 200, body: "the shop\n" });
    // shop is sent to HTTPS; blog is not.
    expect((await getWithHost(nginx.port, shop)).status).toBe(301);
  });

  it("treats a key that is not the certificate's, or no files at all, the same way", async () => {
    await issue(blog);
    await issue("other.example.test");
    await writeFile(
      certificateFilesOf(certificatesDir, blog).keyPath,
      await readFile(certificateFilesOf(certificatesDir, "other.example.test").keyPath),
    );
    await balancer.upsert(spec);
    await expect(get(blog)).rejects.toThrow();
    await rm(path.dirname(certificateFilesOf(certificatesDir, blog).certificatePath), { recursive: true });
    await balancer.upsert(spec);
    expect((await getWithHost(nginx.port, blog)).status).toBe(200);
    expect((await get(shop)).status).toBe(200);
  });
});
