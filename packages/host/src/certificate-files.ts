/**
 * A certificate and its key read the way nginx will load them: the chain must parse (its first certificate is the
 * server's own) and the key must be that certificate's. What Director writes into nginx config names the certificate's
 * SHA-256 fingerprint, because nginx reads certificates only when it loads its configuration: a renewed certificate
 * must change the config file, so that the store checks and reloads it.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { constants } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { DirectorError } from "@director/domain/errors";

export interface LoadableCertificate {
  /** SHA-256 of the certificate (DER), lower-case hex, 64 characters */
  fingerprint: string;
  notAfter: Date;
}

/**
 * The certificate's fingerprint and end; throws when a file cannot be read (ENOENT for a missing one), does not parse,
 * or the key is not the certificate's (CertificateKeyMismatchError). Files of Director's own stores are never read
 * through a link; `followLinks` is for the files an operator names (certbot's `live/` entries are links).
 */
export async function readLoadableCertificate(
  certificatePath: string,
  keyPath: string,
  options: { followLinks?: boolean } = {},
): Promise<LoadableCertificate> {
  const read = options.followLinks === true ? readFileOrNull : readFileNoFollow;
  const chain = await read(certificatePath);
  const key = await read(keyPath);
  if (chain === null || key === null) throw missingFile(chain === null ? certificatePath : keyPath);
  const certificate = new X509Certificate(chain);
  if (!certificate.checkPrivateKey(createPrivateKey(key)))
    throw new CertificateKeyMismatchError(certificatePath, keyPath);
  return {
    fingerprint: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
    notAfter: parseCertificateDate(certificate.validTo, certificatePath),
  };
}

/**
 * The file's text, or null when it does not exist. O_NOFOLLOW makes a link in its place an error (ELOOP,
 * CONFIG_INVALID): certificates and keys are read from files, never through a link someone else may have placed.
 */
export async function readFileNoFollow(file: string): Promise<string | null> {
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP") {
      throw new DirectorError("CONFIG_INVALID", `${file} is a symbolic link; certificates are only read from files.`, {
        details: { path: file },
        cause: error,
      });
    }
    throw error;
  }
}

async function readFileOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** OpenSSL's date text ("Mar  1 12:00:00 2027 GMT"), which X509Certificate reports on Node 20; never Invalid Date. */
export function parseCertificateDate(text: string, file: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new DirectorError("VALIDATION_FAILED", `The certificate ${file} has an unreadable date "${text}".`);
  }
  return date;
}

/** What a missing file is reported as: ENOENT, as reading it would (callers tell "none yet" from "unusable" by it). */
function missingFile(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${file} does not exist`), { code: "ENOENT", path: file });
}

export class CertificateKeyMismatchError extends Error {
  constructor(certificatePath: string, keyPath: string) {
    super(`the key ${keyPath} is not the certificate's (${certificatePath})`);
    this.name = "CertificateKeyMismatchError";
  }
}
