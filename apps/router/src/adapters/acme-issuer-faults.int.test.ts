/**
 * What AcmeIssuer makes of a certificate authority that rate-limits or fails, which pebble cannot be made to do: a
 * stand-in CA (FakeRateLimitingAcmeServer below: a directory, nonces, and a chosen answer to the first request that
 * counts) over real HTTPS, trusted through a test CA like pebble's listener. Everything else about issuing is tested
 * against pebble (acme-issuer.int.test.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseHostname } from "@director/domain/hostname";
import { createTestCertificateAuthority, type TestCertificateAuthority } from "@director/testing/test-certificates";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcmeIssuer } from "./acme-issuer.js";
import { FsChallengeDirectory } from "./challenge-directory.js";

interface Answer {
  status: number;
  headers?: Record<string, string>;
  problem: { type: string; detail: string };
}

/** A stand-in for a certificate authority's failures (not for issuing): answers `answer` to the account request. */
class FakeRateLimitingAcmeServer {
  answer: Answer = { status: 500, problem: { type: "urn:ietf:params:acme:error:serverInternal", detail: "x" } };
  readonly #server: Server;
  #base = "";

  constructor(tls: { key: string; cert: string }) {
    this.#server = createServer(tls, (request, response) => {
      const nonce = randomBytes(12).toString("base64url");
      response.setHeader("Replay-Nonce", nonce);
      response.setHeader("Cache-Control", "no-store");
      if (request.url === "/dir") {
        response.setHeader("Content-Type", "application/json");
        response.end(
          JSON.stringify({
            newNonce: `${this.#base}/nonce`,
            newAccount: `${this.#base}/account`,
            newOrder: `${this.#base}/order`,
            revokeCert: `${this.#base}/revoke`,
            keyChange: `${this.#base}/key-change`,
          }),
        );
        return;
      }
      if (request.url === "/nonce") {
        response.statusCode = request.method === "HEAD" ? 200 : 204;
        response.end();
        return;
      }
      request.resume();
      request.on("end", () => {
        response.statusCode = this.answer.status;
        for (const [name, value] of Object.entries(this.answer.headers ?? {})) response.setHeader(name, value);
        response.setHeader("Content-Type", "application/problem+json");
        response.end(JSON.stringify({ ...this.answer.problem, status: this.answer.status }));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#base = `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return `${this.#base}/dir`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const log = pino({ level: "silent" });
const hostname = parseHostname("shop.example.test");
let dir: string;
let ca: TestCertificateAuthority;
let server: FakeRateLimitingAcmeServer;
let directoryUrl: string;

const issuer = () =>
  new AcmeIssuer({
    directoryUrl,
    accountKeyPath: path.join(dir, "account.pem"),
    contactEmail: "admin@example.com",
    challenges: new FsChallengeDirectory(path.join(dir, "challenges")),
    trustedCaPem: ca.caPem,
    statusPollMinMs: 100,
    log,
  });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "director-acme-faults-"));
  ca = await createTestCertificateAuthority(path.join(dir, "ca"));
  const files = { certificatePath: path.join(dir, "tls", "cert.pem"), keyPath: path.join(dir, "tls", "key.pem") };
  await ca.issue({ names: ["IP:127.0.0.1"], serialHex: "0C01", ...files });
  server = new FakeRateLimitingAcmeServer({
    key: await readFile(files.keyPath, "utf8"),
    cert: await readFile(files.certificatePath, "utf8"),
  });
  directoryUrl = await server.start();
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("AcmeIssuer against a certificate authority that limits or fails", () => {
  it("reports a rate limit as ACME_RATE_LIMITED with the authority's words and its Retry-After", async () => {
    server.answer = {
      status: 429,
      headers: { "Retry-After": "3600" },
      problem: {
        type: "urn:ietf:params:acme:error:rateLimited",
        detail: "too many certificates already issued for exact set of domains",
      },
    };
    const error = await issuer()
      .issue(hostname)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "ACME_RATE_LIMITED",
      details: { retryAfterSeconds: 3600, acmeType: "urn:ietf:params:acme:error:rateLimited" },
    });
    expect((error as Error).message).toContain("try again in 3600 s: too many certificates already issued");
  });

  it("reports the authority's own failure as ACME_UNAVAILABLE (worth trying later), a refusal as ACME_REJECTED", async () => {
    server.answer = {
      status: 503,
      problem: { type: "urn:ietf:params:acme:error:serverInternal", detail: "the service is down for maintenance" },
    };
    await expect(issuer().issue(hostname)).rejects.toMatchObject({
      code: "ACME_UNAVAILABLE",
      message: expect.stringContaining("down for maintenance"),
    });
    server.answer = {
      status: 400,
      problem: { type: "urn:ietf:params:acme:error:rejectedIdentifier", detail: "the domain is on a blocklist" },
    };
    await expect(issuer().issue(hostname)).rejects.toMatchObject({
      code: "ACME_REJECTED",
      message: expect.stringContaining("on a blocklist"),
    });
  });
});
