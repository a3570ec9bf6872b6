import { oidcCallbackQuerySchema } from "@director/contracts/manager-params";
import { authRoutes } from "@director/contracts/manager-routes-accounts";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { setSessionCookie } from "./auth.routes.js";
import type { OidcLoginService } from "./oidc-login.service.js";
import { type OidcStateCookie, oidcStateCookieName, oidcStateMaxAgeMs } from "./oidc-state-cookie.js";

/** Login with the identity provider, when it is configured. */
export interface OidcRoutesDeps {
  login: OidcLoginService;
  stateCookie: OidcStateCookie;
  /** the callback URL registered at the provider (DIRECTOR_OIDC_REDIRECT_URL) */
  redirectUrl: string;
}

/** The state cookie is only ever needed by the callback: scoped to the routes under this path. */
const stateCookiePath = authRoutes.oidcCallback.path.slice(0, authRoutes.oidcCallback.path.lastIndexOf("/"));

/**
 * Where a browser login that failed lands: the login page, which says what the code means. Only the stable code
 * travels in the URL, never a message, so that nobody can put words of their own on the login page.
 */
export function loginErrorLocation(code: string): string {
  return `/login?error=${encodeURIComponent(code)}`;
}

/** Both routes are browser navigations: a failure sends the person back to the login page instead of JSON. */
async function orBackToLogin(
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DirectorError) {
      request.log.info({ code: error.code, reason: error.message }, "login with the identity provider refused");
      return reply.redirect(loginErrorLocation(error.code), 302);
    }
    request.log.error({ err: error }, "login with the identity provider failed");
    return reply.redirect(loginErrorLocation("OIDC_LOGIN_FAILED"), 302);
  }
}

/**
 * GET /api/auth/options (public: what the login page offers), GET /api/auth/oidc/start (sends the browser to the
 * provider), GET /api/auth/oidc/callback (the provider sends it back: opens a session, redirects to `/`). Either
 * sends the browser to `/login?error=CODE` when the login cannot go on.
 */
export function registerOidcRoutes(
  app: FastifyInstance,
  deps: { oidc: OidcRoutesDeps | null; isCookieSecure: boolean; now?: () => Date },
): void {
  const now = () => deps.now?.() ?? new Date();
  const configured = (): OidcRoutesDeps => {
    if (!deps.oidc) {
      throw new DirectorError("OIDC_NOT_CONFIGURED", "Login with the institution's account is not set up here.");
    }
    return deps.oidc;
  };

  registerApiRoute(app, authRoutes.options, async () => ({
    password: true,
    oidc: deps.oidc === null ? null : { startUrl: authRoutes.oidcStart.path },
  }));

  registerApiRoute(app, authRoutes.oidcStart, ({ request, reply }) =>
    orBackToLogin(request, reply, async () => {
      const oidc = configured();
      const { authorizationUrl, pending } = await oidc.login.begin();
      void reply.setCookie(oidcStateCookieName, oidc.stateCookie.seal(pending, now()), {
        httpOnly: true,
        // lax: the provider's redirect back is a top-level GET navigation, which lax cookies accompany
        sameSite: "lax",
        secure: deps.isCookieSecure,
        path: stateCookiePath,
        maxAge: oidcStateMaxAgeMs / 1000,
      });
      return reply.redirect(authorizationUrl.href, 302);
    }),
  );

  registerApiRoute(app, authRoutes.oidcCallback, ({ request, reply }) =>
    orBackToLogin(request, reply, async () => {
      const oidc = configured();
      // One try per start: the cookie goes whatever happens next.
      void reply.clearCookie(oidcStateCookieName, { path: stateCookiePath });
      const pending = oidc.stateCookie.open(request.cookies[oidcStateCookieName], now());
      const query = oidcCallbackQuerySchema.parse(request.query);
      if (query.state !== pending.state) {
        throw new DirectorError(
          "OIDC_STATE_INVALID",
          "This answer does not belong to the login started in this browser.",
        );
      }
      // openid-client checks the answer against the registered redirect URL, with the query the provider sent.
      const callbackUrl = new URL(oidc.redirectUrl);
      callbackUrl.search = new URL(request.url, "http://placeholder").search;
      const session = await oidc.login.complete(callbackUrl, pending);
      setSessionCookie(reply, session);
      return reply.redirect("/", 302);
    }),
  );
}
