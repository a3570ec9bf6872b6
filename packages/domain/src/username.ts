import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** A login name: 1–32 characters, lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
export type Username = Brand<string, "Username">;

const usernamePattern = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export function parseUsername(value: unknown): Username {
  if (typeof value !== "string" || !usernamePattern.test(value)) {
    throw new DirectorError(
      "USERNAME_INVALID",
      "A username is 1 to 32 lowercase letters, digits, dots, underscores or hyphens, starting with a letter or digit.",
      { details: { field: "username" } },
    );
  }
  return value as Username;
}

export const passwordMinLength = 10;

/** Rejects passwords too short to resist guessing; length is the rule that matters (NIST SP 800-63B §5.1.1). */
export function assertPasswordStrong(password: string): void {
  if (password.length < passwordMinLength || password.length > 1024) {
    throw new DirectorError("PASSWORD_TOO_WEAK", `A password must be ${passwordMinLength} to 1024 characters long.`, {
      details: { field: "password" },
    });
  }
}
