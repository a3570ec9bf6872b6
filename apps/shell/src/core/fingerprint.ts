import { createHash } from "node:crypto";

/** A public key's fingerprint as OpenSSH prints it (`SHA256:` and unpadded base64 of the blob's SHA-256). */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
