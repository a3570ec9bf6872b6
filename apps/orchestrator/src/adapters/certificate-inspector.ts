/**
 * The certificates the balancer's HTTPS servers name, looked at as nginx will load them (host/certificate-files.ts):
 * a custom domain's from the router's directory (contracts/certificate-files.ts), or given files (the sites domain's).
 * One that cannot be used is null, so that only its domain falls back to HTTP.
 */
import { certificateFilesOf } from "@director/contracts/certificate-files";
import { readLoadableCertificate } from "@director/host/certificate-files";
import type { Logger } from "@director/host/logger";
import type { CertificateInspector, InspectedCertificate } from "../core/ports.js";

export class FsCertificateInspector implements CertificateInspector {
  readonly #certificatesDir: string;
  readonly #log: Pick<Logger, "warn">;

  constructor(certificatesDir: string, log: Pick<Logger, "warn">) {
    this.#certificatesDir = certificatesDir;
    this.#log = log;
  }

  /** The certificate's fingerprint and expiry; null when there is none, or it or its key cannot be used. */
  async inspect(domain: string): Promise<InspectedCertificate | null> {
    const { certificatePath, keyPath } = certificateFilesOf(this.#certificatesDir, domain);
    // The router's own store: never through a link.
    return this.#read(certificatePath, keyPath, domain, false);
  }

  /** Files an operator names (the sites domain's certificate): links are followed, as certbot's `live/` needs. */
  async inspectFiles(certificatePath: string, keyPath: string): Promise<InspectedCertificate | null> {
    return this.#read(certificatePath, keyPath, certificatePath, true);
  }

  async #read(
    certificatePath: string,
    keyPath: string,
    domain: string,
    followLinks: boolean,
  ): Promise<InspectedCertificate | null> {
    try {
      return await readLoadableCertificate(certificatePath, keyPath, { followLinks });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        this.#log.warn(
          { err: error, domain },
          "a certificate cannot be used (unreadable, or not its key's); served over HTTP only",
        );
      }
      return null;
    }
  }
}
