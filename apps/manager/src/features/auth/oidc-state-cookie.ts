/**
 * The pending login (state, nonce, PKCE verifier) kept in the browser between /api/auth/oidc/start and the
 * callback: JSON with an expiry, signed by @fastify/cookie's Signer (HMAC-SHA256, `value.signature`, compared in
 * constant time) so that it cannot be forged or altered. It is not secret from its own browser (it never leaves it
 * but to come back here), and httpOnly keeps page scripts from it. The expiry travels inside the signed value:
 * a cookie's Max-Age is only the browser's to keep.
 */
import { createHmac } from "node:crypto";
import { DirectorError } from "@director/domain/errors";
import { Signer } from "@fastify/cookie";
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
  readonly #signer: Signer;

  constructor(secret: string) {
    // A key of its own, so the cookie's MAC can never be mistaken for anything the client secret signs elsewhere.
    this.#signer = new Signer(createHmac("sha256", secret).update("director oidc state cookie v1").digest());
  }

  seal(pending: PendingLogin, now: Date): string {
    const payload = Buffer.from(
      JSON.stringify({ ...pending, expiresAtMs: now.getTime() + oidcStateMaxAgeMs }),
      "utf8",
    ).toString("base64url");
    return this.#signer.sign(payload);
  }

  /** The pending login in `cookie`; OIDC_STATE_INVALID when it is missing, altered or expired. */
  open(cookie: string | undefined, now: Date): PendingLogin {
    const invalid = (why: string) =>
      new DirectorError("OIDC_STATE_INVALID", `This login cannot be completed (${why}); start it again.`);
    if (!cookie) throw invalid("no login was started in this browser, or it took too long");
    if (!cookie.includes(".")) throw invalid("malformed state");
    const unsigned = this.#signer.unsign(cookie);
    if (!unsigned.valid) throw invalid("the state was altered");
    const parsed = payloadSchema.safeParse(safeJson(Buffer.from(unsigned.value, "base64url").toString("utf8")));
    if (!parsed.success) throw invalid("malformed state");
    if (parsed.data.expiresAtMs <= now.getTime()) throw invalid("it took too long");
    return { state: parsed.data.state, nonce: parsed.data.nonce, codeVerifier: parsed.data.codeVerifier };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the schema check reports it
  }
}
