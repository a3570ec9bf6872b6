import { createHash, randomBytes } from "node:crypto";

/** A new random session token (256 bits) and the hash we store; the raw token is only ever held by the client. */
export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
