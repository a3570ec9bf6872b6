import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { DirectorError } from "@director/domain/errors";
import type { CallerCheck } from "./routes.js";

/** A secret a component accepts from its callers; compared in constant time. */
export type InternalToken = string & { readonly __brand: "InternalToken" };

export function generateInternalToken(): InternalToken {
  return randomBytes(32).toString("base64url") as InternalToken;
}

export function parseInternalToken(value: unknown): InternalToken {
  if (typeof value !== "string" || value.length < 32) {
    throw new DirectorError("CONFIG_INVALID", "An internal API token must be at least 32 characters long.");
  }
  return value as InternalToken;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** True when the Authorization header carries the expected bearer token. Hashing first makes the lengths equal. */
export function isAuthorized(header: string | undefined, expected: InternalToken): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  return timingSafeEqual(digest(header.slice("Bearer ".length)), digest(expected));
}

/**
 * The check of an internal API's `internal` routes (http-kit `requireDeclaredCallers`): a request without the
 * component's token is refused (DESIGN rule 2: never rely on the network alone).
 */
export function internalTokenCheck(expected: InternalToken): CallerCheck {
  return async (request) => {
    if (!isAuthorized(request.headers.authorization, expected)) {
      throw new DirectorError("INTERNAL_AUTH_INVALID", "This internal API needs a valid component token.");
    }
  };
}
