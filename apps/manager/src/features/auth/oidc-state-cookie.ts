/**
 * The pending login (state, nonce, PKCE verifier) kept in the browser between /api/auth/oidc/start and the
 * callback: JSON with an expiry, signed with HMAC-SHA256 so that it cannot be forged or altered. It is not secret
 * from its own browser (it never leaves it but to come back here), and httpOnly keeps page scripts from it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { DirectorError } from "@director/domain/errors";
import { z } from "zod";
import type { PendingLogin } from "./identity-provider.js";

export const oidcStateCookieName = "director_oidc";
/** How long a person may take at the provider's login page. */
export const oidcStateMaxAgeMs = 10 * 60_000;

const payloadSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  expiresAtMs: z.number(),
});

/** Signs and checks pending-login cookies with one key (derived from the OIDC client secret). */
export class OidcStateCookie {
  readonly #key: Buffer;

  constructor(secret: string) {
    // A key of its own, so the cookie's MAC can never be mistaken for anything the client secret signs elsewhere.
    this.#key = createHmac("sha256", secret).update("director oidc state cookie v1").digest();
  }

  seal(pending: PendingLogin, now: Date): string {
    const payload = Buffer.from(
      JSON.stringify({ ...pending, expiresAtMs: now.getTime() + oidcStateMaxAgeMs }),
      "utf8",
    ).toString("base64url");
    return `${payload}.${this.#mac(payload)}`;
  }

  /** The pending login in `cookie`; OIDC_STATE_INVALID when it is missing, altered or expired. */
  open(cookie: string | undefined, now: Date): PendingLogin {
    const invalid = (why: string) =>
      new DirectorError("OIDC_STATE_INVALID", `This login cannot be completed (${why}); start it again.`);
    if (!cookie) throw invalid("no login was started in this browser, or it took too long");
    const [payload, mac] = cookie.split(".");
    if (!payload || !mac) throw invalid("malformed state");
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid("the state was altered");
    const parsed = payloadSchema.safeParse(safeJson(Buffer.from(payload, "base64url").toString("utf8")));
    if (!parsed.success) throw invalid("malformed state");
    if (parsed.data.expiresAtMs <= now.getTime()) throw invalid("it took too long");
    return { state: parsed.data.state, nonce: parsed.data.nonce, codeVerifier: parsed.data.codeVerifier };
  }

  #mac(payload: string): string {
    return createHmac("sha256", this.#key).update(payload).digest("base64url");
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the schema check reports it
  }
}
