/**
 * OpenSSH public keys as people paste them (one line of a `.pub` file, `sshd(8)` AUTHORIZED_KEYS FILE FORMAT without
 * options) and as the SSH protocol carries them (an algorithm name and a blob, RFC 4253 §6.6), checked against the
 * types the shell server accepts.
 */
import { createPublicKey } from "node:crypto";
import { type SshKeyAlgorithm, sshKeyAlgorithms } from "@director/contracts/manager-routes-ssh";
import { DirectorError } from "@director/domain/errors";
import { sshFingerprint } from "@director/domain/ssh-key";
import ssh2 from "ssh2";

// ssh2 is CommonJS: Node's ESM loader gives its exports only as the default export (no named `utils`).

/** RSA keys below this modulus size are refused (NIST SP 800-131A; OpenSSH refuses < 1024 and warns < 2048). */
export const minRsaBits = 2048;

/** A public key that passed every check: what is stored and shown. */
export interface CheckedSshKey {
  algorithm: SshKeyAlgorithm;
  /** base64 of the blob, as ssh-keygen writes it (padded) */
  keyData: string;
  fingerprint: string;
  bits: number;
}

const whatToPaste =
  "Paste one line of your public key file, such as ~/.ssh/id_ed25519.pub (it starts with ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa); never the private key.";

/** `type base64 [comment]`: the only shape accepted, before ssh2 reads it. */
const keyLine = /^([a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,3})(?: [^\r\n]*)?$/;

const ecdsaBits: Record<string, number> = {
  "ecdsa-sha2-nistp256": 256,
  "ecdsa-sha2-nistp384": 384,
  "ecdsa-sha2-nistp521": 521,
};

/**
 * Parses one OpenSSH public key line; SSH_KEY_INVALID (with what to paste instead) for a private key, a certificate,
 * a security-key (`sk-`) or DSA key, RSA below 2048 bits, several lines, or anything ssh2 cannot read.
 */
export function parseSshPublicKeyLine(text: string): CheckedSshKey {
  const line = text.trim();
  if (line.includes("PRIVATE KEY")) {
    throw invalid("This is a private key: keep it secret, and paste the public one (the .pub file) instead.");
  }
  const match = keyLine.exec(line);
  if (!match) throw invalid(whatToPaste);
  const type = match[1] ?? "";
  checkType(type);
  const parsed = ssh2.utils.parseKey(line);
  if (parsed instanceof Error || Array.isArray(parsed) || parsed.isPrivateKey()) {
    throw invalid(`This is not a readable public key. ${whatToPaste}`);
  }
  // ssh2 checks that the blob's own type is the line's; the type check above already limited both.
  const algorithm = parsed.type as SshKeyAlgorithm;
  const blob = parsed.getPublicSSH();
  return {
    algorithm,
    keyData: blob.toString("base64"),
    fingerprint: sshFingerprint(blob),
    bits: bitsOf(algorithm, parsed),
  };
}

/** Refuses the types the shell server does not accept, naming why. */
function checkType(type: string): void {
  if ((sshKeyAlgorithms as readonly string[]).includes(type)) return;
  if (type.includes("-cert-")) {
    throw invalid(`SSH certificates are not accepted: paste the public key itself. ${whatToPaste}`);
  }
  if (type.startsWith("sk-")) {
    throw invalid(
      "Security-key (sk-) keys are not accepted yet: paste an ed25519, ecdsa or RSA (2048+ bits) public key.",
    );
  }
  if (type === "ssh-dss") {
    throw invalid("DSA keys are no longer safe: make an ed25519 key (ssh-keygen -t ed25519) and paste its .pub file.");
  }
  throw invalid(`Keys of type ${type.slice(0, 64)} are not accepted. ${whatToPaste}`);
}

function bitsOf(algorithm: SshKeyAlgorithm, parsed: { getPublicPEM(): string }): number {
  if (algorithm === "ssh-ed25519") return 256;
  const ecdsa = ecdsaBits[algorithm];
  if (ecdsa !== undefined) return ecdsa;
  const bits = createPublicKey(parsed.getPublicPEM()).asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < minRsaBits) {
    throw invalid(
      `This RSA key has ${bits} bits; at least ${minRsaBits} are needed. Make an ed25519 key (ssh-keygen -t ed25519) and paste its .pub file.`,
    );
  }
  return bits;
}

/**
 * The fingerprint of a key the SSH protocol carried, when `algorithm` may sign with its blob: the blob's own type, or
 * for an RSA key one of its signature algorithms (RFC 8332: `rsa-sha2-256`, `rsa-sha2-512`); null otherwise.
 */
export function fingerprintOfOfferedKey(offered: { algorithm: string; data: string }): string | null {
  const blob = Buffer.from(offered.data, "base64");
  const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (typeLength < 1 || typeLength > 64 || blob.length < 4 + typeLength) return null;
  const blobType = blob.subarray(4, 4 + typeLength).toString("latin1");
  const isCompatible =
    offered.algorithm === blobType ||
    (blobType === "ssh-rsa" && (offered.algorithm === "rsa-sha2-256" || offered.algorithm === "rsa-sha2-512"));
  return isCompatible ? sshFingerprint(blob) : null;
}

function invalid(message: string): DirectorError {
  return new DirectorError("SSH_KEY_INVALID", message, { details: { fields: { publicKey: message } } });
}
