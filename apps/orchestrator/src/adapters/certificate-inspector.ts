/**
 * Reads a custom domain's certificate files the way nginx will (the router writes them; contracts/certificate-files.ts):
 * the chain must parse and its key must be the certificate's. The fingerprint goes into the domain's server block, so a
 * renewed certificate changes the file, and the transactional store checks and reloads it: nginx reads certificates
 * only when it loads its configuration, and a renewal that never reached nginx would let the old one expire.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { certificateFilesOf } from "@director/contracts/certificate-files";
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
      const [chain, key] = [await readFile(certificatePath, "utf8"), await readFile(keyPath, "utf8")];
      // The first certificate of the chain is the domain's own.
      const certificate = new X509Certificate(chain);
      if (!certificate.checkPrivateKey(createPrivateKey(key))) {
        this.#log.warn({ domain }, "a custom domain's certificate and key do not match; served over HTTP only");
        return null;
      }
      return {
        fingerprint: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
        notAfter: new Date(certificate.validTo),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        this.#log.warn({ err: error, domain }, "a custom domain's certificate cannot be read; served over HTTP only");
      }
      return null;
    }
  }
}
