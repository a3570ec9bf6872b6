/**
 * A certificate and its key read the way nginx will load them: the chain must parse (its first certificate is the
 * server's own) and the key must be that certificate's. What Director writes into nginx config names the certificate's
 * SHA-256 fingerprint, because nginx reads certificates only when it loads its configuration: a renewed certificate
 * must change the config file, so that the store checks and reloads it.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";

export interface LoadableCertificate {
  /** SHA-256 of the certificate (DER), lower-case hex, 64 characters */
  fingerprint: string;
  notAfter: Date;
}

/**
 * The certificate's fingerprint and end; throws when a file cannot be read (ENOENT for a missing one), does not parse,
 * or the key is not the certificate's (CertificateKeyMismatchError).
 */
export async function readLoadableCertificate(certificatePath: string, keyPath: string): Promise<LoadableCertificate> {
  const [chain, key] = [await readFile(certificatePath, "utf8"), await readFile(keyPath, "utf8")];
  const certificate = new X509Certificate(chain);
  if (!certificate.checkPrivateKey(createPrivateKey(key)))
    throw new CertificateKeyMismatchError(certificatePath, keyPath);
  return {
    fingerprint: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
    notAfter: new Date(certificate.validTo),
  };
}

export class CertificateKeyMismatchError extends Error {
  constructor(certificatePath: string, keyPath: string) {
    super(`the key ${keyPath} is not the certificate's (${certificatePath})`);
    this.name = "CertificateKeyMismatchError";
  }
}
