/** SSH public keys people log in with, and the shell server's host keys, as the repositories return them. */
import { createHash } from "node:crypto";

/** One of a person's SSH public keys. */
export interface SshKeyRecord {
  id: number;
  userId: number;
  label: string;
  /** the key's type as SSH names it (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`) */
  algorithm: string;
  /** base64 of the key blob (RFC 4253 §6.6), as in the `.pub` file's second field */
  keyData: string;
  /** `SHA256:` and the unpadded base64 of the blob's SHA-256, as `ssh-keygen -l` prints it */
  fingerprint: string;
  /** RSA's modulus size, the curve's size for ECDSA, 256 for ed25519 */
  bits: number;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** One of the shell server's host keys, as it reported it. */
export interface ShellHostKey {
  algorithm: string;
  fingerprint: string;
}

/** The shell server's last report: its host keys and the port people connect to. */
export interface ShellServerReport {
  hostKeys: ShellHostKey[];
  port: number;
  reportedAt: Date;
}

/**
 * A key blob's fingerprint as OpenSSH prints it (`ssh-keygen -l`, `ssh` on first connection): `SHA256:` and the
 * base64 of the blob's SHA-256 without its `=` padding (OpenSSH sshkey.c, `sshkey_fingerprint` with SSH_FP_BASE64).
 */
export function sshFingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
