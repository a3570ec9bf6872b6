import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { chmod, lstat, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { certificateFileName, certificateKeyFileName as keyFileName } from "@director/contracts/certificate-files";
import { DirectorError } from "@director/domain/errors";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import { writeFileAtomic } from "@director/host/atomic-write";
import { parseCertificateDate, readFileNoFollow } from "@director/host/certificate-files";
import type { CertificatePair, CertificatePaths, CertificateStore, StoredCertificate } from "../core/acme-ports.js";

/** Only the running user (root: nginx's master reads certificates before dropping privileges) enters the dirs. */
const privateDirMode = 0o700;
const keyFileMode = 0o600;
/** A certificate is public; 0644 lets an operator inspect it without root. */
const certificateFileMode = 0o644;

/**
 * Certificates on disk, one directory per hostname: `<dir>/<hostname>/fullchain.pem` and `privkey.pem`, the layout
 * certbot made familiar. Each file is replaced atomically (temporary file in the same directory + rename). The two
 * files are not replaced as one: nginx reads them only when the caller reloads it after `put`, so a mismatched pair is
 * seen only by a reload that runs during a `put`, and nginx refuses such a pair and keeps the running configuration.
 * Symbolic links are never followed: the directory is the running user's own, but a link found there is refused
 * rather than trusted.
 */
export class FsCertificateStore implements CertificateStore {
  readonly #dir: string;

  constructor(dir: string) {
    if (!path.isAbsolute(dir)) {
      throw new DirectorError("CONFIG_INVALID", `The certificate directory must be an absolute path, not "${dir}".`);
    }
    this.#dir = dir;
  }

  paths(hostname: Hostname): CertificatePaths {
    const hostDir = this.#hostDir(hostname);
    return { certificatePath: path.join(hostDir, certificateFileName), keyPath: path.join(hostDir, keyFileName) };
  }

  async put(hostname: Hostname, pair: CertificatePair): Promise<void> {
    checkPair(hostname, pair);
    await this.#ensurePrivateDir(this.#dir, { isRecursive: true });
    await this.#ensurePrivateDir(this.#hostDir(hostname), { isRecursive: false });
    const { certificatePath, keyPath } = this.paths(hostname);
    // writeFileAtomic creates the temporary file with this mode (never wider) before any byte of the key is written.
    await writeFileAtomic(keyPath, pair.keyPem, { mode: keyFileMode });
    await writeFileAtomic(certificatePath, pair.certificatePem, { mode: certificateFileMode });
  }

  async read(hostname: Hostname): Promise<StoredCertificate | null> {
    const kind = await entryKind(this.#hostDir(hostname));
    if (kind === "absent") return null;
    if (kind !== "directory") throw notADirectory(this.#hostDir(hostname), kind);
    const { certificatePath, keyPath } = this.paths(hostname);
    const certificatePem = await readFileNoFollow(certificatePath);
    const keyPem = await readFileNoFollow(keyPath);
    if (certificatePem === null || keyPem === null) return null;
    const certificate = new X509Certificate(certificatePem);
    return {
      certificatePem,
      keyPem,
      notBefore: parseCertificateDate(certificate.validFrom, certificatePath),
      notAfter: parseCertificateDate(certificate.validTo, certificatePath),
    };
  }

  async remove(hostname: Hostname): Promise<void> {
    const hostDir = this.#hostDir(hostname);
    const kind = await entryKind(hostDir);
    if (kind === "absent") return;
    // rm removes a link itself, never what it points to, and does not follow links inside a directory either.
    await rm(hostDir, { recursive: kind === "directory", force: true });
  }

  async list(): Promise<Hostname[]> {
    const entries = await readdir(this.#dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    // Dirent types come from lstat: a link to a directory is not a directory here.
    return entries
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        const hostname = tryParseHostname(entry.name);
        return hostname === entry.name ? [hostname] : [];
      })
      .sort();
  }

  #hostDir(hostname: Hostname): string {
    // The Hostname grammar (lowercase labels of [a-z0-9-], dots between) keeps it one name inside the directory.
    return path.join(this.#dir, hostname);
  }

  /** Makes `dir` a directory of ours with mode 0700: created so, or checked and narrowed; a link is refused. */
  async #ensurePrivateDir(dir: string, options: { isRecursive: boolean }): Promise<void> {
    let kind = await entryKind(dir);
    if (kind === "absent") {
      await mkdir(dir, { recursive: options.isRecursive, mode: privateDirMode }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error; // made at the same time by another put: checked below
        },
      );
      kind = await entryKind(dir);
    }
    if (kind !== "directory") throw notADirectory(dir, kind);
    const stats = await lstat(dir);
    const uid = process.getuid?.();
    if (uid !== undefined && stats.uid !== uid) {
      throw new DirectorError(
        "CONFIG_INVALID",
        `The certificate directory ${dir} belongs to user ${stats.uid}, not to the running user ${uid}.`,
      );
    }
    if ((stats.mode & 0o777) !== privateDirMode) await chmod(dir, privateDirMode);
  }
}

type EntryKind = "absent" | "directory" | "link" | "other";

/** What `target` is, without following a link at its last component. */
async function entryKind(target: string): Promise<EntryKind> {
  try {
    const stats = await lstat(target);
    if (stats.isSymbolicLink()) return "link";
    return stats.isDirectory() ? "directory" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
}

function notADirectory(dir: string, kind: EntryKind): DirectorError {
  const what = kind === "link" ? "a symbolic link" : "not a directory";
  return new DirectorError("CONFIG_INVALID", `${dir} is ${what}; certificates are only kept in real directories.`, {
    details: { path: dir },
  });
}

/** Refuses a pair nginx would refuse at reload: a key of another certificate, or a certificate for other names. */
function checkPair(hostname: Hostname, pair: CertificatePair): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pair.certificatePem);
  } catch (cause) {
    throw new DirectorError("VALIDATION_FAILED", `The certificate for ${hostname} is not a PEM certificate.`, {
      cause,
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pair.keyPem);
  } catch (cause) {
    throw new DirectorError("VALIDATION_FAILED", `The key for ${hostname} is not a PEM private key.`, { cause });
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new DirectorError("VALIDATION_FAILED", `The private key given for ${hostname} is not the certificate's key.`);
  }
  if (certificate.checkHost(hostname) === undefined) {
    throw new DirectorError("VALIDATION_FAILED", `The certificate given for ${hostname} is not valid for that name.`);
  }
}

function tryParseHostname(name: string): Hostname | null {
  try {
    return parseHostname(name);
  } catch {
    return null; // not one of ours (a stray file an operator left): not listed
  }
}
