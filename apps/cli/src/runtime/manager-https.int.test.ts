/**
 * The manager served over HTTPS from given certificate files, in a real nginx in front of a stand-in manager (a Node
 * HTTP server answering with what it received): the host is proxied with its port, the client's address and the
 * scheme; HTTP is sent to HTTPS; replaced files are picked up at the next look, and broken ones keep the old ones.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { freePort } from "@director/testing/free-port";
import { getWithHost } from "@director/testing/http-get";
import { httpsRequest } from "@director/testing/https-request";
import { createTestCertificateAuthority, type TestCertificateAuthority } from "@director/testing/test-certificates";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagerHttps } from "./manager-https.js";

const log = pino({ level: "silent" });
const host = "director.school.test";

let nginx: TestNginx;
let manager: Server;
let tlsPort: number;
let dir: string;
let caPem: string;

let ca: TestCertificateAuthority;

function issue(serialHex: string): Promise<void> {
  const files = { certificatePath: path.join(dir, "cert.pem"), keyPath: path.join(dir, "key.pem") };
  return ca.issue({ names: [host], serialHex, ...files });
}

/** GET over HTTPS as a browser at https://<host>:<port> would send it; the serial of the certificate served. */
async function get(urlPath: string) {
  const answer = await httpsRequest({
    port: tlsPort,
    servername: host,
    host: `${host}:${tlsPort}`,
    path: urlPath,
    ca: caPem,
  });
  return {
    status: answer.status,
    body: answer.body,
    serial: answer.certificate?.serialNumber,
    hsts: answer.headers["strict-transport-security"],
  };
}

let served: ManagerHttps;

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-manager-https-", includeDirNames: ["manager"], log });
  tlsPort = await freePort();
  dir = path.join(nginx.root, "tls");
  await mkdir(dir, { recursive: true });
  ca = await createTestCertificateAuthority(path.join(nginx.root, "ca"));
  caPem = ca.caPem;
  manager = createServer((req, res) => {
    res.end(
      `${req.url} host=${req.headers.host} proto=${req.headers["x-forwarded-proto"]} for=${req.headers["x-forwarded-for"]}`,
    );
  });
  await new Promise<void>((resolve) => manager.listen(0, "127.0.0.1", resolve));
  served = new ManagerHttps({
    host,
    source: { kind: "files", certificatePath: path.join(dir, "cert.pem"), keyPath: path.join(dir, "key.pem") },
    files: new NginxConfigStore(nginx.confDirs.manager ?? "", nginx.server, log),
    server: {
      httpListen: `127.0.0.1:${nginx.port}`,
      tlsListen: `127.0.0.1:${tlsPort}`,
      upstream: `127.0.0.1:${(manager.address() as AddressInfo).port}`,
      clientBodyLimitBytes: 1024 * 1024,
      hstsMaxAgeSeconds: 300,
    },
    log,
  });
});

afterAll(async () => {
  served?.stop();
  await new Promise((resolve) => manager?.close(resolve));
  await nginx?.server.stop();
  if (nginx !== undefined) await rm(nginx.root, { recursive: true, force: true });
});

describe("ManagerHttps with given certificate files", () => {
  it("proxies HTTPS to the manager with the host, scheme and client, with HSTS, and sends HTTP to HTTPS", async () => {
    await issue("0A01");
    await served.ensure();
    const answer = await get("/api/auth/options");
    expect(answer).toEqual({
      status: 200,
      body: `/api/auth/options host=${host}:${tlsPort} proto=https for=127.0.0.1`,
      serial: "0A01",
      hsts: "max-age=300",
    });
    const plain = await getWithHost(nginx.port, host, "/login");
    expect(plain.status).toBe(301);
    expect(plain.headers.location).toBe(`https://${host}:${tlsPort}/login`);
  });

  it("serves replaced files after the next look, and keeps the old ones when the new ones are broken", async () => {
    await issue("0A02");
    await served.ensure();
    expect((await get("/")).serial).toBe("0A02");
    await writeFile(path.join(dir, "key.pem"), "-----BEGIN PRIVATE KEY-----\nbroken\n");
    await expect(served.ensure()).rejects.toThrow();
    expect((await get("/")).serial).toBe("0A02");
  });
});
