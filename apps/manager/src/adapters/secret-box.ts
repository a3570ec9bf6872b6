import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DirectorError } from "@director/domain/errors";

/** AES-256-GCM's recommended nonce length (NIST SP 800-38D §8.2): 96 bits, random per value. */
const ivBytes = 12;
const tagBytes = 16;
const keyBytes = 32;
const version = "v1";

/** Makes a new key for `DIRECTOR_SECRETS_KEY`: 32 random bytes, base64. */
export function generateSecretsKey(): string {
  return randomBytes(keyBytes).toString("base64");
}

/**
 * Encrypts secrets kept at rest (a database host's admin URL) with AES-256-GCM: a random 12-byte IV per value, the
 * tag checked on decryption, so a changed byte or another key is refused rather than read as garbage. The text form is
 * `v1:<iv>:<tag>:<ciphertext>`, each part base64url, so the key or the cipher can change later under a new version.
 */
export class SecretBox {
  readonly #key: Buffer;

  /** `key`: 32 bytes, base64 (as `generateSecretsKey` makes it). */
  constructor(key: string) {
    const bytes = Buffer.from(key, "base64");
    if (bytes.length !== keyBytes) {
      throw new DirectorError("CONFIG_INVALID", `DIRECTOR_SECRETS_KEY must be ${keyBytes} bytes in base64.`);
    }
    this.#key = bytes;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
    return [version, ...parts].join(":");
  }

  /** The plaintext of a sealed value; SECRET_UNREADABLE when it was changed, sealed with another key or is no v1 value. */
  open(sealed: string): string {
    const [given, iv, tag, ciphertext, ...rest] = sealed.split(":");
    if (given !== version || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
      throw unreadable();
    }
    const ivBuffer = Buffer.from(iv, "base64url");
    const tagBuffer = Buffer.from(tag, "base64url");
    if (ivBuffer.length !== ivBytes || tagBuffer.length !== tagBytes) throw unreadable();
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, ivBuffer, { authTagLength: tagBytes });
      decipher.setAuthTag(tagBuffer);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch (error) {
      throw unreadable(error);
    }
  }
}

function unreadable(cause?: unknown): DirectorError {
  return new DirectorError(
    "SECRET_UNREADABLE",
    "A stored secret could not be decrypted: it was changed, or DIRECTOR_SECRETS_KEY is not the key it was sealed with.",
    { cause },
  );
}
