/**
 * A real OpenID Connect provider (the `oidc-provider` package) on a loopback port, for login tests. It logs in
 * whichever account the test chose with `nextLogin` and consents at once, so a test follows the redirects of a
 * whole authorization code flow without a login form. It is a plain OAuth2 server as well: asked for the `read`
 * scope without `openid`, it issues only an access token, which its profile API (`GET /api/profile`, as Ion
 * has) takes to answer the account's claims as JSON.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** The claims of one account at the provider; `sub` is its id. */
export type TestOidcClaims = { sub: string } & Record<string, unknown>;

export interface TestOidcProvider {
  issuer: string;
  /** the plain OAuth2 endpoints */
  authorizeUrl: string;
  tokenUrl: string;
  profileUrl: string;
  clientId: string;
  clientSecret: string;
  /** logs this account in at the next authorization request */
  nextLogin(claims: TestOidcClaims): void;
  /** the next profile API request answers this status and body instead of the account's claims */
  breakNextProfile(status: number, body: string): void;
  close(): Promise<void>;
}

/** Claims the provider hands out, by scope; `role` and `graduation_year` stand for an institution's own. */
const claimsByScope = {
  openid: ["sub"],
  profile: ["name", "given_name", "family_name", "preferred_username", "role", "graduation_year"],
  email: ["email", "email_verified"],
};

export async function startTestOidcProvider(options: { redirectUrl: string }): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestOidcClaims>();
  let next: TestOidcClaims | undefined;
  const clientId = "director-test";
  const clientSecret = "a-test-client-secret-of-some-length";
  let server: Server | undefined;
  server = createServer();
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUrl],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: claimsByScope,
    scopes: ["openid", "offline_access", "read"],
    findAccount: async (_ctx: unknown, sub: string) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: async () => claims } : undefined;
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ["test-cookie-key"] },
    // explicit lifetimes (seconds), so the provider does not print a notice for each default
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  });
  const handle = provider.callback();

  server.on("request", (req, res) => {
    if (req.url === "/api/profile") {
      void answerProfile(req, res);
      return;
    }
    if (!req.url?.startsWith("/interaction/")) {
      handle(req, res);
      return;
    }
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        if (!next) throw new Error("the test did not say who logs in (nextLogin)");
        accounts.set(next.sub, next);
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: next.sub } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const accountId = details.session?.accountId ?? "";
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ accountId, clientId: details.params.client_id });
      const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } });
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  /** The profile API: the bearer token's account, its claims without `sub` (Ion's profile has its own `id`). */
  let brokenProfile: { status: number; body: string } | undefined;
  async function answerProfile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const found = token ? await provider.AccessToken.find(token) : undefined;
    const claims = found ? accounts.get(found.accountId) : undefined;
    if (!claims || !found?.scope?.split(" ").includes("read")) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"detail":"not authenticated"}');
      return;
    }
    if (brokenProfile) {
      const { status, body } = brokenProfile;
      brokenProfile = undefined;
      res.writeHead(status, { "content-type": "application/json" }).end(body);
      return;
    }
    const { sub: _sub, ...profile } = claims;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(profile));
  }

  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    profileUrl: `${issuer}/api/profile`,
    breakNextProfile: (status, body) => {
      brokenProfile = { status, body };
    },
    clientId,
    clientSecret,
    nextLogin: (claims) => {
      next = claims;
      accounts.set(claims.sub, claims);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server?.closeAllConnections();
        server?.close((error) => (error ? reject(error) : resolve()));
        server = undefined;
      }),
  };
}
