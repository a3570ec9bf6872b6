/**
 * The port to the institution's identity provider; the adapters are adapters/openid-identity-provider.ts (OpenID
 * Connect) and adapters/oauth2-identity-provider.ts (plain OAuth2 with a profile API).
 */

/**
 * What must survive between sending the browser to the provider and its return: kept in a signed, short-lived
 * cookie (oidc-state-cookie.ts), never on the server.
 */
export interface PendingLogin {
  /** OAuth 2.0 `state` (RFC 6749 §10.12): binds the answer to this browser's request */
  state: string;
  /** OpenID Connect `nonce`: binds the ID token to this request */
  nonce: string;
  /** PKCE code verifier (RFC 7636) */
  codeVerifier: string;
}

/** Logs people in at the identity provider: authorization code flow with PKCE. */
export interface IdentityProvider {
  /** Where to send the browser, and what to remember until it comes back. */
  beginLogin(): Promise<{ authorizationUrl: URL; pending: PendingLogin }>;
  /**
   * Exchanges the code in `callbackUrl` (checking state, PKCE and, with OpenID Connect, the nonce) and returns what
   * the provider says of the person: the ID token's claims completed by UserInfo's, or the OAuth2 profile API's
   * JSON. OIDC_LOGIN_FAILED when the provider refused;
   * OIDC_PROVIDER_UNAVAILABLE when it did not answer.
   */
  completeLogin(callbackUrl: URL, pending: PendingLogin): Promise<Record<string, unknown>>;
}
