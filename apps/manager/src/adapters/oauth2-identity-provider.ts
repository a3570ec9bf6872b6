/**
 * IdentityProvider over plain OAuth2 (RFC 6749 authorization code, PKCE per RFC 7636 unless turned off), then the
 * provider's profile API read with the access token: how TJHSST's Ion logs people in, OpenID Connect being off
 * there. openid-client 6 does the protocol from configured endpoints instead of discovery.
 */
import { DirectorError } from "@director/domain/errors";
import * as oidc from "openid-client";
import type { OAuth2Config } from "../config-login.js";
import type { IdentityProvider, PendingLogin } from "../features/auth/identity-provider.js";
import { loginFailure } from "./identity-provider-errors.js";

/** A profile larger than this is not a person's profile: refused rather than parsed. */
const maxProfileBytes = 256 * 1024;
/** How long the token and profile requests may take each. */
const requestTimeoutSeconds = 15;

export class OAuth2IdentityProvider implements IdentityProvider {
  readonly #config: OAuth2Config;
  readonly #client: oidc.Configuration;

  constructor(config: OAuth2Config) {
    this.#config = config;
    const clientAuth =
      config.tokenAuthMethod === "client_secret_post"
        ? oidc.ClientSecretPost(config.clientSecret)
        : oidc.ClientSecretBasic(config.clientSecret);
    this.#client = new oidc.Configuration(
      {
        // No issuer is published by a plain OAuth2 provider; its origin stands in, which is also what an RFC 9207
        // `iss` in the answer would have to be.
        issuer: new URL(config.authorizeUrl).origin,
        authorization_endpoint: config.authorizeUrl,
        token_endpoint: config.tokenUrl,
      },
      config.clientId,
      { client_secret: config.clientSecret },
      clientAuth,
    );
    this.#client.timeout = requestTimeoutSeconds;
    // openid-client refuses plain HTTP; a provider on http:// is a test or a lab setup on a trusted network.
    if ([config.tokenUrl, config.profileUrl].some((url) => new URL(url).protocol === "http:")) {
      oidc.allowInsecureRequests(this.#client);
    }
  }

  async beginLogin(): Promise<{ authorizationUrl: URL; pending: PendingLogin }> {
    // The nonce is an OpenID Connect check and is not sent; both are made so that the state cookie keeps one shape.
    const pending: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const parameters: Record<string, string> = {
      redirect_uri: this.#config.redirectUrl,
      scope: this.#config.scopes,
      response_type: "code",
      state: pending.state,
    };
    if (this.#config.usePkce) {
      parameters.code_challenge = await oidc.calculatePKCECodeChallenge(pending.codeVerifier);
      parameters.code_challenge_method = "S256";
    }
    return { authorizationUrl: oidc.buildAuthorizationUrl(this.#client, parameters), pending };
  }

  async completeLogin(callbackUrl: URL, pending: PendingLogin): Promise<Record<string, unknown>> {
    let accessToken: string;
    try {
      const tokens = await oidc.authorizationCodeGrant(this.#client, callbackUrl, {
        expectedState: pending.state,
        ...(this.#config.usePkce ? { pkceCodeVerifier: pending.codeVerifier } : {}),
        idTokenExpected: false,
      });
      accessToken = tokens.access_token;
    } catch (error) {
      throw loginFailure(error, "The identity provider did not accept the login");
    }
    return this.#profile(accessToken);
  }

  /** GET of the profile API with the token; anything but a JSON object is a failed login. */
  async #profile(accessToken: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await oidc.fetchProtectedResource(
        this.#client,
        accessToken,
        new URL(this.#config.profileUrl),
        "GET",
        undefined,
        new Headers({ accept: "application/json" }),
      );
    } catch (error) {
      throw loginFailure(error, "The identity provider's profile API did not answer");
    }
    const body = await response.text();
    if (response.status >= 500) {
      throw new DirectorError(
        "OIDC_PROVIDER_UNAVAILABLE",
        `The identity provider's profile API answered ${response.status}.`,
      );
    }
    if (!response.ok) {
      throw new DirectorError("OIDC_LOGIN_FAILED", `The identity provider's profile API refused: ${response.status}.`);
    }
    if (body.length > maxProfileBytes) {
      throw new DirectorError("OIDC_LOGIN_FAILED", "The identity provider's profile is too large to be a profile.");
    }
    let profile: unknown;
    try {
      profile = JSON.parse(body);
    } catch (error) {
      throw new DirectorError("OIDC_LOGIN_FAILED", "The identity provider's profile API did not answer JSON.", {
        cause: error,
      });
    }
    if (profile === null || typeof profile !== "object" || Array.isArray(profile)) {
      throw new DirectorError("OIDC_LOGIN_FAILED", "The identity provider's profile is not a JSON object.");
    }
    return profile as Record<string, unknown>;
  }
}
