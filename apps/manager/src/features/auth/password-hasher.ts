import { type Algorithm, hash, verify } from "@node-rs/argon2";

// Algorithm.Argon2id; the library exports a const enum, which verbatimModuleSyntax cannot inline.
const argon2id = 2 as Algorithm;

/** Hashes and checks passwords with argon2id (RFC 9106), the OWASP-recommended choice. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** argon2id with the library's defaults (19 MiB, 2 passes), which meet OWASP's minimum. */
export class Argon2PasswordHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    return hash(password, { algorithm: argon2id });
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await verify(hashed, password);
    } catch {
      // a malformed stored hash never matches; the account needs a new password, not a 500
      return false;
    }
  }
}
