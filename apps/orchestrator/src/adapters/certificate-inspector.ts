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
    return this.inspectFiles(certificatePath, keyPath, domain);
  }

  async inspectFiles(
    certificatePath: string,
    keyPath: string,
    domain = certificatePath,
  ): Promise<InspectedCertificate | null> {
    try {
      return await readLoadableCertificate(certificatePath, keyPath);
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
