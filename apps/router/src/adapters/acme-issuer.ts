import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, X509Certificate } from "node:crypto";
import { chmod, link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { Agent } from "node:https";
import path from "node:path";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { Hostname } from "@director/domain/hostname";
import type { Logger } from "@director/host/logger";
import { axios as acmeAxios, crypto as acmeCrypto, Client } from "acme-client";
import { parseAcmeChallengeToken } from "../core/acme-challenge.js";
import type { CertificateIssuer, ChallengeDirectory, IssuedCertificate } from "../core/acme-ports.js";

/** What an AcmeIssuer needs. */
export interface AcmeIssuerOptions {
  /** the certificate authority's ACME directory (RFC 8555 §7.1.1), e.g. Let's Encrypt's */
  directoryUrl: string;
  /** the account's private key (PEM): made with mode 0600 when missing, reused otherwise (one account per install) */
  accountKeyPath: string;
  /** where the certificate authority may write about expiry or problems; none by default */
  contactEmail?: string;
  challenges: ChallengeDirectory;
  /** the only CA trusted for the directory's HTTPS (a test CA such as pebble's); default: the system's roots */
  trustedCaPem?: string;
  /** the first wait (ms) between polls of a challenge or order; acme-client doubles it up to 30 s. Default 5000 */
  statusPollMinMs?: number;
  log: Logger;
}

/**
 * Certificates from an ACME certificate authority (RFC 8555) through acme-client, proving control of a hostname with
 * HTTP-01: the key authorization is published through the ChallengeDirectory, which the edge nginx serves on port 80.
 * Certificate keys are ECDSA P-256: every browser of the last decade accepts them, handshakes are smaller, and signing
 * (once per TLS handshake, on the edge) costs a fraction of RSA 2048's.
 */
export class AcmeIssuer implements CertificateIssuer {
  readonly #options: AcmeIssuerOptions;
  #client: Promise<Client> | null = null;

  constructor(options: AcmeIssuerOptions) {
    const url = parseHttpsUrl(options.directoryUrl);
    if (!path.isAbsolute(options.accountKeyPath)) {
      const text = `The ACME account key path must be absolute, not "${options.accountKeyPath}".`;
      throw new DirectorError("CONFIG_INVALID", text);
    }
    this.#options = options;
    configureAcmeHttp();
    if (options.trustedCaPem !== undefined) trustedAgents.set(url.origin, new Agent({ ca: options.trustedCaPem }));
  }

  async issue(hostname: Hostname): Promise<IssuedCertificate> {
    const client = await this.#getClient();
    const [keyPem, csr] = await acmeCrypto.createCsr(
      { commonName: hostname, altNames: [hostname] },
      await acmeCrypto.createPrivateEcdsaKey("P-256"),
    );
    const trace: AcmeTrace = { failure: null, lastRequestUrl: "" };
    const { challenges } = this.#options;
    let certificatePem: string;
    try {
      certificatePem = await traces.run(trace, () =>
        client.auto({
          csr,
          email: this.#options.contactEmail,
          termsOfServiceAgreed: true,
          challengePriority: ["http-01"],
          // acme-client's own check fetches the token through the system resolver first; pebble's names do not resolve
          // there and the check hangs. The certificate authority validates anyway, which is the check that counts.
          skipChallengeVerification: true,
          challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
            if (challenge.type !== "http-01") {
              const text = `The certificate authority offers no HTTP-01 challenge for ${hostname}.`;
              throw new DirectorError("ACME_REJECTED", text);
            }
            await challenges.put(parseAcmeChallengeToken(challenge.token), keyAuthorization);
          },
          challengeRemoveFn: async (_authz, challenge) => {
            if (challenge.type === "http-01") await challenges.remove(parseAcmeChallengeToken(challenge.token));
          },
        }),
      );
    } catch (error) {
      throw isDirectorError(error) ? error : acmeFailure(hostname, trace.failure, error);
    }
    const notAfter = new Date(new X509Certificate(certificatePem).validTo);
    this.#options.log.info({ hostname, notAfter }, "certificate issued");
    return { certificatePem, keyPem: keyPem.toString("utf8"), notAfter };
  }

  /** One client (and so one account registration) per issuer, made on first use. */
  #getClient(): Promise<Client> {
    this.#client ??= this.#makeClient().catch((error: unknown) => {
      this.#client = null; // try again on the next issue (the key's directory may be fixed by then)
      throw error;
    });
    return this.#client;
  }

  async #makeClient(): Promise<Client> {
    const accountKey = await loadOrCreateAccountKey(this.#options.accountKeyPath, this.#options.log);
    return new Client({
      directoryUrl: this.#options.directoryUrl,
      accountKey,
      ...(this.#options.statusPollMinMs === undefined ? {} : { backoffMin: this.#options.statusPollMinMs }),
    });
  }
}

function parseHttpsUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === "https:") return url;
  } catch {
    // reported below with the same words as a URL of another scheme
  }
  throw new DirectorError("CONFIG_INVALID", `The ACME directory must be an https URL, not "${value}".`);
}

/**
 * Returns the account key at `file`, making it first when missing: written to a temporary file with mode 0600, then
 * linked to its name, which fails if another issuer made it meanwhile (then that key is used): the key is never seen
 * half-written and never replaced.
 */
async function loadOrCreateAccountKey(file: string, log: Logger): Promise<string> {
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (existing !== null) {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await chmod(file, 0o600);
      log.warn({ file, mode: mode.toString(8) }, "ACME account key was readable by others; narrowed to 0600");
    }
    return existing;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const pem = (await acmeCrypto.createPrivateEcdsaKey("P-256")).toString("utf8");
  const tempFile = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(tempFile, "wx", 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tempFile, file);
    log.info({ file }, "ACME account key created");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(tempFile);
  }
  return readFile(file, "utf8");
}

/**
 * What acme-client's HTTP layer reported during one `issue()`. acme-client throws plain `Error`s that keep only the
 * ACME problem's detail (its `type`, which tells a rate limit from a refusal, and the Retry-After header are lost),
 * and a network failure surfaces as a TypeError from inside its retry code (publishlab/node-acme-client#101). So its
 * axios instance is watched, and each failure is noted in the trace of the `issue()` it belongs to; a later success
 * of the same URL (a retried nonce, a poll that was pending) clears it, a success elsewhere (the clean-up acme-client
 * does after a failure) does not.
 */
interface AcmeTrace {
  failure: AcmeFailureEvent | null;
  lastRequestUrl: string;
}

type AcmeFailureEvent = { url: string } & (
  | { kind: "problem"; status: number; type: string; detail: string; retryAfterSeconds: number | null }
  | { kind: "invalid"; object: "challenge" | "authorization" | "order"; type: string; detail: string }
  | { kind: "unreachable" }
);

const traces = new AsyncLocalStorage<AcmeTrace>();
/** How long one request to the certificate authority may take. */
const requestTimeoutMs = 30_000;
/** Per ACME origin, the agent that trusts only that server's CA (test CAs). */
const trustedAgents = new Map<string, Agent>();
let isAcmeHttpConfigured = false;

/**
 * acme-client sends every request through one axios instance it shares with the whole process, so what an issuer
 * needs from it is set up once, here: the agent of a trusted test CA (per origin: never NODE_TLS_REJECT_UNAUTHORIZED),
 * a timeout, the trace of each response, and no retries of its own. Its retries would sleep for a rate limit's whole
 * Retry-After (hours at Let's Encrypt) inside one step; Director's operation worker retries passing errors with
 * backoff instead.
 */
function configureAcmeHttp(): void {
  if (isAcmeHttpConfigured) return;
  isAcmeHttpConfigured = true;
  const settings = (acmeAxios.defaults as { acmeSettings?: { retryMaxAttempts: number } }).acmeSettings;
  if (settings !== undefined) settings.retryMaxAttempts = 0;
  acmeAxios.interceptors.request.use((config) => {
    // axios waits forever by default: a certificate authority that accepts the connection and never answers would
    // hold the step for good.
    if (!config.timeout) config.timeout = requestTimeoutMs;
    const agent = config.url === undefined ? undefined : trustedAgents.get(originOf(config.url));
    if (agent !== undefined) config.httpsAgent = agent;
    const trace = traces.getStore();
    if (trace !== undefined) trace.lastRequestUrl = config.url ?? "";
    return config;
  });
  acmeAxios.interceptors.response.use(
    (response) => {
      const trace = traces.getStore();
      if (trace === undefined) return response;
      const url = response.config.url ?? "";
      const event = failureOf(url, response.status, response.data, response.headers["retry-after"]);
      if (event !== null) trace.failure = event;
      else if (trace.failure?.url === url) trace.failure = null;
      return response;
    },
    (error: unknown) => {
      // No answer at all (acme-client lets only those through as errors): the request in flight did not get one.
      const trace = traces.getStore();
      if (trace !== undefined) trace.failure = { kind: "unreachable", url: trace.lastRequestUrl };
      throw error;
    },
  );
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return ""; // not a URL acme-client could fetch either: no trusted agent
  }
}

/** A problem document (RFC 7807) or an object that turned `invalid`; null for a plain success. */
function failureOf(url: string, status: number, data: unknown, retryAfter: unknown): AcmeFailureEvent | null {
  const body = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
  if (status >= 400) {
    return {
      kind: "problem",
      url,
      status,
      type: String(body.type ?? ""),
      detail: String(body.detail ?? ""),
      retryAfterSeconds: parseRetryAfterSeconds(retryAfter),
    };
  }
  if (body.status !== "invalid") return null;
  const error = typeof body.error === "object" && body.error !== null ? (body.error as Record<string, unknown>) : {};
  const object = "token" in body ? "challenge" : "identifier" in body ? "authorization" : "order";
  return { kind: "invalid", url, object, type: String(error.type ?? ""), detail: String(error.detail ?? "") };
}

/** Retry-After as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP date); null when absent or unreadable. */
function parseRetryAfterSeconds(value: unknown): number | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const acmeError = (name: string) => `urn:ietf:params:acme:error:${name}`;

/** The DirectorError for a failed issue, from the last thing the certificate authority said (RFC 8555 §6.7). */
function acmeFailure(hostname: Hostname, event: AcmeFailureEvent | null, cause: unknown): DirectorError {
  if (event === null) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const text = `The certificate authority's answer for ${hostname} was unusable: ${message}`;
    return new DirectorError("ACME_REJECTED", text, { details: { hostname }, cause });
  }
  if (event.kind === "unreachable") {
    const text = `The certificate authority could not be reached (${event.url}).`;
    return new DirectorError("ACME_UNAVAILABLE", text, { details: { hostname, url: event.url }, cause });
  }
  const details = { hostname, acmeType: event.type, acmeDetail: event.detail };
  if (event.kind === "invalid" && event.object === "order") {
    const text = `The certificate authority gave up the order for ${hostname}: ${event.detail}`;
    return new DirectorError("ACME_REJECTED", text, { details, cause });
  }
  if (event.kind === "invalid") {
    const text =
      `The certificate authority could not confirm that ${hostname} points to this server: ${event.detail}. ` +
      "Check that the domain's DNS names this server and that port 80 reaches it.";
    return new DirectorError("ACME_CHALLENGE_FAILED", text, { details, cause });
  }
  if (event.type === acmeError("rateLimited") || event.status === 429) {
    const when = event.retryAfterSeconds === null ? "later" : `in ${event.retryAfterSeconds} s`;
    const text = `The certificate authority limits certificates for ${hostname}; try again ${when}: ${event.detail}`;
    return new DirectorError("ACME_RATE_LIMITED", text, {
      details: { ...details, retryAfterSeconds: event.retryAfterSeconds },
      cause,
    });
  }
  // badNonce reaches here only after acme-client's own five retries of it: a server in trouble, worth trying later.
  if (event.status >= 500 || event.type === acmeError("serverInternal") || event.type === acmeError("badNonce")) {
    const text = `The certificate authority failed (${event.status}): ${event.detail}`;
    return new DirectorError("ACME_UNAVAILABLE", text, { details: { ...details, status: event.status }, cause });
  }
  const text = `The certificate authority refused the request for ${hostname}: ${event.detail}`;
  return new DirectorError("ACME_REJECTED", text, { details: { ...details, status: event.status }, cause });
}
