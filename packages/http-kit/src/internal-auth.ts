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

/**
 * True when the Authorization header carries one of the accepted bearer tokens (two during a rotation: the new one
 * and the old one). Hashing first makes the lengths equal, and every token is compared, so the time taken says
 * nothing about which one matched or how much of it.
 */
export function isAuthorized(header: string | undefined, accepted: InternalToken | readonly InternalToken[]): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  const given = digest(header.slice("Bearer ".length));
  let isMatch = false;
  for (const token of typeof accepted === "string" ? [accepted] : accepted) {
    isMatch = timingSafeEqual(given, digest(token)) || isMatch;
  }
  return isMatch;
}

/** The tokens a component accepts: its own, and during a rotation the previous one until the operator removes it. */
export function acceptedTokens(config: {
  token: InternalToken;
  previousToken?: InternalToken | undefined;
}): InternalToken[] {
  return config.previousToken === undefined ? [config.token] : [config.token, config.previousToken];
}

/**
 * The check of an internal API's `internal` routes (http-kit `requireDeclaredCallers`): a request without one of the
 * component's tokens is refused (DESIGN rule 2: never rely on the network alone).
 */
export function internalTokenCheck(accepted: InternalToken | readonly InternalToken[]): CallerCheck {
  return async (request) => {
    if (!isAuthorized(request.headers.authorization, accepted)) {
      throw new DirectorError("INTERNAL_AUTH_INVALID", "This internal API needs a valid component token.");
    }
  };
}
