/**
 * `director up` serving the manager over HTTPS at its public host (DIRECTOR_PUBLIC_HOST) through the sites' nginx: the
 * certificate comes from the router's ACME (the same as sites' own domains) or from given files, and is looked at
 * again periodically: a renewal (or new files) rewrites the server block, which the store checks and reloads. Until
 * the first certificate is in place the manager is reachable on its own port as before; a failure is logged and
 * tried again with a growing delay, and never stops Director.
 */
import { certificateFilesOf } from "@director/contracts/certificate-files";
import { routerApi } from "@director/contracts/router-api";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { readLoadableCertificate } from "@director/host/certificate-files";
import type { ConfigFiles } from "@director/host/config-files";
import { parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import type { InternalClient } from "@director/http-kit/internal-client";
import { type ManagerServerEnv, renderManagerServer } from "@director/orchestrator";
import type { Logger } from "pino";

export const managerServerFileName = parseNginxConfigFileName("00-manager.conf");

/** Where the certificate comes from. */
export type ManagerCertificateSource =
  | { kind: "acme"; router: InternalClient; certificatesDir: string; challengesRoot: string; renewWithinDays: number }
  | { kind: "files"; certificatePath: string; keyPath: string };

export interface ManagerHttpsOptions {
  host: string;
  source: ManagerCertificateSource;
  files: ConfigFiles;
  server: Omit<ManagerServerEnv, "host" | "certificatePath" | "keyPath" | "fingerprint" | "challengesRoot">;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** how often the certificate is looked at again (renewal, new files) */
  checkIntervalMs?: number;
}

const hourMs = 60 * 60 * 1000;

export class ManagerHttps {
  readonly #options: ManagerHttpsOptions;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #isStopped = false;

  constructor(options: ManagerHttpsOptions) {
    this.#options = options;
  }

  /** Starts in the background: the first certificate is asked for now; resolves at once. */
  start(): void {
    void this.#round();
  }

  stop(): void {
    this.#isStopped = true;
    clearTimeout(this.#timer);
  }

  /** One look: makes sure of the certificate and installs the server block when it changed. */
  async ensure(): Promise<void> {
    const { source, host } = this.#options;
    const files =
      source.kind === "files"
        ? { certificatePath: source.certificatePath, keyPath: source.keyPath }
        : certificateFilesOf(source.certificatesDir, host);
    if (source.kind === "acme") {
      await source.router.request(routerApi.issueCertificate, {
        params: { domain: parseCustomDomain(host) },
        body: { renewWithinDays: source.renewWithinDays },
      });
    }
    // Files an operator names may be links (certbot's live/); the router's own store is never read through one.
    const { fingerprint } = await readLoadableCertificate(files.certificatePath, files.keyPath, {
      followLinks: source.kind === "files",
    });
    await this.#options.files.put(
      managerServerFileName,
      renderManagerServer({
        ...this.#options.server,
        host,
        ...files,
        fingerprint,
        challengesRoot: source.kind === "acme" ? source.challengesRoot : null,
      }),
    );
  }

  async #round(): Promise<void> {
    if (this.#isStopped) return;
    let nextMs = this.#options.checkIntervalMs ?? 12 * hourMs;
    try {
      await this.ensure();
      if (this.#failures > 0 || this.#timer === undefined) {
        this.#options.log.info({ host: this.#options.host }, "the manager is served over HTTPS");
      }
      this.#failures = 0;
    } catch (error) {
      this.#failures += 1;
      // 30 s, doubling, at most the check interval.
      nextMs = Math.min(nextMs, 30_000 * 2 ** (this.#failures - 1));
      this.#options.log.error(
        { err: error, host: this.#options.host, retryInMs: nextMs },
        "could not serve the manager over HTTPS; trying again",
      );
    }
    if (this.#isStopped) return;
    this.#timer = setTimeout(() => void this.#round(), nextMs);
    this.#timer.unref();
  }
}
