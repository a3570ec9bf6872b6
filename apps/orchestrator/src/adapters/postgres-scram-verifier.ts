import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type { DatabasePassword } from "@director/domain/site-database";

/** PostgreSQL's default iteration count (`scram_iterations`), what `psql \password` uses. */
const iterations = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802 §3, RFC 7677), in the text form
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` that `CREATE ROLE ... PASSWORD` takes as is. Sending
 * the verifier instead of the password keeps the password itself out of the host's statement logs, as psql's
 * `\password` does. Director's passwords are ASCII, so SASLprep leaves them unchanged.
 */
export function scramSha256Verifier(password: DatabasePassword, salt: Buffer = randomBytes(16)): string {
  const saltedPassword = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
