/**
 * The HTTP-01 challenge of ACME (RFC 8555 §8.3): the certificate authority fetches
 * `http://<domain>/.well-known/acme-challenge/<token>` and expects the key authorization as the body.
 * The token comes from the certificate authority and ends up in a file name, so it is parsed before any use.
 */
import type { Brand } from "@director/domain/brand";
import { DirectorError } from "@director/domain/errors";

/** A challenge token: base64url characters only (no padding, no dot, no slash), so it is one safe file name. */
export type AcmeChallengeToken = Brand<string, "AcmeChallengeToken">;

/** The URL path under which the certificate authority fetches HTTP-01 tokens (RFC 8555 §8.3, RFC 8615). */
export const acmeChallengePathPrefix = "/.well-known/acme-challenge/";

/** The longest token accepted: RFC 8555 sets no maximum; real tokens are 43 characters (256 bits). */
export const maxAcmeChallengeTokenLength = 256;

// RFC 8555 §8.1: "characters outside the base64url alphabet" are not allowed, nor "=" padding (RFC 4648 §5).
const tokenPattern = /^[A-Za-z0-9_-]+$/;

/** Accepts a certificate authority's HTTP-01 token; throws VALIDATION_FAILED for anything else. */
export function parseAcmeChallengeToken(value: unknown): AcmeChallengeToken {
  if (typeof value !== "string" || value.length === 0 || value.length > maxAcmeChallengeTokenLength) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      `An ACME challenge token must be 1 to ${maxAcmeChallengeTokenLength} characters long.`,
    );
  }
  if (!tokenPattern.test(value)) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      "An ACME challenge token may only hold the base64url characters A-Z, a-z, 0-9, - and _.",
    );
  }
  return value as AcmeChallengeToken;
}
