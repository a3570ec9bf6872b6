/**
 * A certificate from a real ACME server: pebble validates HTTP-01 by fetching the token from a real nginx (every name
 * resolves to 127.0.0.1 through pebble-challtestsrv), the certificate is stored with FsCertificateStore, and the same
 * nginx then serves it over TLS to a client that trusts only pebble's issuing root.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { type DirectorError, isDirectorError } from "@director/domain/errors";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { NginxConfigStore } from "@director/host/nginx-config-store";
import { freePort } from "@director/testing/free-port";
import { httpsRequest } from "@director/testing/https-request";
import { startTestNginx, type TestNginx } from "@director/testing/test-nginx";
import { startTestPebble, type TestPebble } from "@director/testing/test-pebble";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcmeChallengeToken } from "../core/acme-challenge.js";
import { acmeChallengePathPrefix } from "../core/acme-challenge.js";
import type { ChallengeDirectory } from "../core/acme-ports.js";
import { Certificates } from "../core/certificates.js";
import { AcmeIssuer } from "./acme-issuer.js";
import { FsCertificateStore } from "./certificate-store.js";
import { FsChallengeDirectory } from "./challenge-directory.js";

const log = pino({ level: "silent" });
const shop = parseHostname("shop.example.test");
/** A name nginx answers with 404 for every path, so pebble never gets the token. */
const refused = parseHostname("refused.example.test");

let nginx: TestNginx;
let pebble: TestPebble;
let files: NginxConfigStore;
let challengeRoot: string;
let accountKeyPath: string;
let store: FsCertificateStore;

/** The real challenge directory, noting each token published, so a test can check it was withdrawn afterwards. */
class NotingChallengeDirectory implements ChallengeDirectory {
  readonly published: AcmeChallengeToken[] = [];
  readonly #inner: FsChallengeDirectory;
  constructor(inner: FsChallengeDirectory) {
    this.#inner = inner;
  }
  async put(token: AcmeChallengeToken, keyAuthorization: string): Promise<void> {
    this.published.push(token);
    await this.#inner.put(token, keyAuthorization);
  }
  remove(token: AcmeChallengeToken): Promise<void> {
    return this.#inner.remove(token);
  }
}

function issuerWith(challenges: ChallengeDirectory, keyPath = accountKeyPath): AcmeIssuer {
  return new AcmeIssuer({
    directoryUrl: pebble.directoryUrl,
    accountKeyPath: keyPath,
    contactEmail: "admin@example.com",
    challenges,
    trustedCaPem: pebble.listenerCaPem,
    statusPollMinMs: 500,
    log,
  });
}

/** GETs https://<hostname>/ at 127.0.0.1:port (SNI and Host = hostname), trusting only `caPem`. */
async function getOverTls(port: number, hostname: Hostname, caPem: string) {
  const answer = await httpsRequest({ port, servername: hostname, ca: caPem });
  return { status: answer.status, body: answer.body, subjectAltName: answer.certificate?.subjectAltName ?? "" };
}

/** Where nginx logs the requests for the HTTP-01 name: pebble's validation requests show up there. */
const accessLogPath = () => path.join(nginx.root, "http-access.log");
/** The token files left in the challenge directory (none before the first token was ever published). */
const tokenFiles = () =>
  readdir(path.join(challengeRoot, ".well-known", "acme-challenge")).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });

beforeAll(async () => {
  nginx = await startTestNginx({ prefix: "director-acme-", includeDirNames: ["sites"], log });
  files = new NginxConfigStore(nginx.confDirs.sites ?? "", nginx.server, log);
  challengeRoot = path.join(nginx.root, "acme-challenges");
  accountKeyPath = path.join(nginx.root, "acme", "account.key");
  store = new FsCertificateStore(path.join(nginx.root, "certificates"));
  await files.put(
    parseNginxConfigFileName("http.conf"),
    `server {
    listen 127.0.0.1:${nginx.port};
    server_name ${shop};
    access_log ${accessLogPath()};
    location ^~ ${acmeChallengePathPrefix} {
        root ${challengeRoot};
        default_type text/plain;
        open_file_cache off;
    }
}
server {
    listen 127.0.0.1:${nginx.port};
    server_name ${refused};
    location / { return 404; }
}
`,
  );
  pebble = await startTestPebble({ httpPort: nginx.port });
});

afterAll(async () => {
  await pebble?.stop();
  await nginx?.server.stop();
  if (nginx !== undefined) await rm(nginx.root, { recursive: true, force: true });
});

describe("AcmeIssuer against pebble and nginx", () => {
  it("gets a certificate through HTTP-01 that nginx then serves, trusted through pebble's root", async () => {
    const challenges = new NotingChallengeDirectory(new FsChallengeDirectory(challengeRoot));
    const startedAt = Date.now();
    const issued = await issuerWith(challenges).issue(shop);
    log.info({ ms: Date.now() - startedAt }, "issued");

    // pebble's chain: the leaf, then the intermediate that signed it (the root is not sent).
    expect(issued.certificatePem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
    expect(issued.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(challenges.published).toHaveLength(1);
    // pebble's validator fetched the token from nginx (and got it): the validation really happened.
    expect(await readFile(accessLogPath(), "utf8")).toContain(
      `"GET ${acmeChallengePathPrefix}${challenges.published[0]} HTTP/1.1" 200`,
    );
    expect(await tokenFiles()).toEqual([]);

    await store.put(shop, issued);
    expect((await store.read(shop))?.notAfter).toEqual(issued.notAfter);
    const { certificatePath, keyPath } = store.paths(shop);
    const tlsPort = await freePort();
    await files.put(
      parseNginxConfigFileName("tls.conf"),
      `server {
    listen 127.0.0.1:${tlsPort} ssl;
    server_name ${shop};
    ssl_certificate ${certificatePath};
    ssl_certificate_key ${keyPath};
    default_type text/plain;
    return 200 "secure";
}
`,
    );

    const answer = await getOverTls(tlsPort, shop, await pebble.issuingRootPem());
    expect(answer).toEqual({ status: 200, body: "secure", subjectAltName: `DNS:${shop}` });
    // The listener CA signed pebble's own HTTPS, not site certificates: trusting it alone fails the handshake.
    await expect(getOverTls(tlsPort, shop, pebble.listenerCaPem)).rejects.toThrow(/certificate/i);
  });

  it("fails with ACME_CHALLENGE_FAILED when nginx does not serve the token, and withdraws the token", async () => {
    const challenges = new NotingChallengeDirectory(new FsChallengeDirectory(challengeRoot));
    const startedAt = Date.now();
    const failure = await issuerWith(challenges)
      .issue(refused)
      .then(
        () => null,
        (error: unknown) => error,
      );
    const elapsedMs = Date.now() - startedAt;

    expect(isDirectorError(failure)).toBe(true);
    const error = failure as DirectorError;
    expect(error.code).toBe("ACME_CHALLENGE_FAILED");
    expect(error.kind).toBe("user");
    expect(error.message).toContain(refused);
    expect(error.details).toMatchObject({ hostname: refused, acmeDetail: expect.stringContaining("404") });
    expect(elapsedMs).toBeLessThan(30_000);
    expect(challenges.published).toHaveLength(1);
    expect(await tokenFiles()).toEqual([]);
  });

  it("makes the account key 0600 when missing, and a second issuer with the same path reuses it", async () => {
    const keyPath = path.join(nginx.root, "acme-reuse", "account.key");
    await issuerWith(new FsChallengeDirectory(challengeRoot), keyPath).issue(shop);
    const keyBefore = await readFile(keyPath, "utf8");
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect(keyBefore).toContain("-----BEGIN PRIVATE KEY-----");

    const issued = await issuerWith(new FsChallengeDirectory(challengeRoot), keyPath).issue(shop);

    expect(issued.certificatePem).toContain("-----BEGIN CERTIFICATE-----");
    expect(await readFile(keyPath, "utf8")).toBe(keyBefore);
    expect(await readdir(path.dirname(keyPath))).toEqual(["account.key"]); // no temporary file left behind
  });

  it("fails with ACME_REJECTED, with the problem's type and detail, when the authority refuses", async () => {
    const issuer = new AcmeIssuer({
      directoryUrl: pebble.directoryUrl,
      accountKeyPath: path.join(nginx.root, "acme-refused", "account.key"),
      contactEmail: "not-an-email",
      challenges: new FsChallengeDirectory(challengeRoot),
      trustedCaPem: pebble.listenerCaPem,
      log,
    });

    await expect(issuer.issue(shop)).rejects.toThrow(
      expect.objectContaining({
        code: "ACME_REJECTED",
        kind: "operator",
        details: expect.objectContaining({
          acmeType: "urn:ietf:params:acme:error:invalidContact",
          acmeDetail: expect.stringContaining("not-an-email"),
          status: 400,
        }),
      }),
    );
  });

  it("fails with ACME_UNAVAILABLE, at once, when nothing answers at the directory URL", async () => {
    const closedPort = await freePort();
    const issuer = new AcmeIssuer({
      directoryUrl: `https://127.0.0.1:${closedPort}/dir`,
      accountKeyPath,
      challenges: new FsChallengeDirectory(challengeRoot),
      log,
    });
    const startedAt = Date.now();

    await expect(issuer.issue(shop)).rejects.toThrow(
      expect.objectContaining({ code: "ACME_UNAVAILABLE", kind: "passing" }),
    );
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it("refuses a directory URL that is not https", () => {
    const options = { accountKeyPath, challenges: new FsChallengeDirectory(challengeRoot), log };
    expect(() => new AcmeIssuer({ ...options, directoryUrl: "http://127.0.0.1/dir" })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
  });
});

describe("Certificates (the router's API behind the worker's step) against pebble", () => {
  it("keeps a current certificate without asking pebble, and renews it once its clock reaches the window", async () => {
    let now = new Date();
    const challenges = new NotingChallengeDirectory(new FsChallengeDirectory(challengeRoot));
    const renewStore = new FsCertificateStore(path.join(nginx.root, "renewal-certificates"));
    const issuer = issuerWith(challenges);
    let orders = 0;
    const counting = {
      issue: (name: Parameters<typeof issuer.issue>[0]) => {
        orders += 1;
        return issuer.issue(name);
      },
    };
    const certificates = new Certificates({ issuer: counting, store: renewStore, now: () => now });

    const domain = parseCustomDomain(shop);
    const first = await certificates.ensure(domain, 30);
    expect(first.outcome).toBe("issued");
    const firstPem = (await readFile(renewStore.paths(shop).certificatePath, "utf8")).trim();
    // A step run again (a worker that crashed after the router answered) asks nothing twice.
    expect(await certificates.ensure(domain, 30)).toEqual({ outcome: "current", notAfter: first.notAfter });
    expect(orders).toBe(1);

    // 29 days before the certificate ends, a renewal within 30 days is due: a new order (pebble may reuse the valid
    // authorization, as Let's Encrypt does), a new certificate in place.
    now = new Date(new Date(first.notAfter ?? 0).getTime() - 29 * 24 * 60 * 60 * 1000);
    const renewed = await certificates.ensure(domain, 30);
    expect(renewed.outcome).toBe("issued");
    expect(orders).toBe(2);
    expect((await readFile(renewStore.paths(shop).certificatePath, "utf8")).trim()).not.toBe(firstPem);
    expect((await stat(renewStore.paths(shop).keyPath)).mode & 0o777).toBe(0o600);
    expect(await certificates.inventory()).toEqual([{ domain: shop, notAfter: renewed.notAfter }]);
  });
});
