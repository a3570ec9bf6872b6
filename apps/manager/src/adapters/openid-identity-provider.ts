/** IdentityProvider over openid-client 6: discovery, authorization code + PKCE, ID token and UserInfo. */
import { DirectorError } from "@director/domain/errors";
import * as oidc from "openid-client";
import type { OidcConfig } from "../config-login.js";
import type { IdentityProvider, PendingLogin } from "../features/auth/identity-provider.js";
import { describeFailure, loginFailure } from "./identity-provider-errors.js";

/** One OpenID Connect client; reads the provider's discovery document on first use and keeps it. */
export class OpenIdIdentityProvider implements IdentityProvider {
  readonly #config: OidcConfig;
  #discovered: Promise<oidc.Configuration> | undefined;

  constructor(config: OidcConfig) {
    this.#config = config;
  }

  async beginLogin(): Promise<{ authorizationUrl: URL; pending: PendingLogin }> {
    const configuration = await this.#configuration();
    const pending: PendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.#config.redirectUrl,
      scope: this.#config.scopes,
      response_type: "code",
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return { authorizationUrl, pending };
  }

  async completeLogin(callbackUrl: URL, pending: PendingLogin): Promise<Record<string, unknown>> {
    const configuration = await this.#configuration();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw loginFailure(error, "The identity provider did not accept the login");
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new DirectorError("OIDC_LOGIN_FAILED", "The identity provider sent no ID token.");
    // Providers often put profile claims only in UserInfo (OpenID Connect Core §5.4); its `sub` must match.
    let userInfo: Record<string, unknown> = {};
    if (configuration.serverMetadata().userinfo_endpoint) {
      try {
        userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      } catch (error) {
        throw loginFailure(error, "The identity provider's UserInfo endpoint failed");
      }
    }
    return { ...idClaims, ...userInfo };
  }

  /** The discovered configuration; a failed discovery is retried on the next login, not remembered. */
  #configuration(): Promise<oidc.Configuration> {
    this.#discovered ??= this.#discover().catch((error: unknown) => {
      this.#discovered = undefined;
      throw error;
    });
    return this.#discovered;
  }

  async #discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.#config.issuer);
    const clientAuth =
      this.#config.tokenAuthMethod === "client_secret_post"
        ? oidc.ClientSecretPost(this.#config.clientSecret)
        : oidc.ClientSecretBasic(this.#config.clientSecret);
    try {
      return await oidc.discovery(
        issuer,
        this.#config.clientId,
        { client_secret: this.#config.clientSecret },
        clientAuth,
        // openid-client refuses plain HTTP; a provider on http:// is a test or a lab setup on a trusted network.
        issuer.protocol === "http:" ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
    } catch (error) {
      throw new DirectorError(
        "OIDC_PROVIDER_UNAVAILABLE",
        `Could not read the identity provider's configuration at ${issuer.href}: ${describeFailure(error)}. Check DIRECTOR_OIDC_ISSUER.`,
        { cause: error },
      );
    }
  }
}
