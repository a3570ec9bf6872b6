import type { UserView } from "@director/contracts/manager-api";
import { authRoutes } from "@director/contracts/manager-routes-accounts";
import type { GuidelinesVersion } from "@director/domain/guidelines-version";
import type { User } from "@director/domain/user";
import { mustAcceptGuidelines } from "@director/domain/user-role";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { sessionTokenOf } from "../../http/authenticate.js";
import type { LiveSessions } from "../live/live-sessions.js";
import { graduationNotice } from "../users/graduation-notice.js";
import type { AuthService, OpenedSession } from "./auth.service.js";
import { type LoginRateLimits, limitLoginAttempts } from "./login-rate-limit.js";

/** An account as the API shows it; `guidelinesVersion` is the version of the guidelines the installation serves. */
export function presentUser(user: User, guidelinesVersion: GuidelinesVersion): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    isSuperuser: user.isSuperuser,
    role: user.role,
    isActive: user.isActive,
    graduationYear: user.graduationYear,
    guidelinesAccepted: !mustAcceptGuidelines(user, guidelinesVersion),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

/**
 * Sets the session cookie every way of logging in shares (password, identity provider), as the app named it
 * (installSessionCookie): host-only (no Domain) and Path=/, as the `__Host-` prefix requires.
 */
export function setSessionCookie(reply: FastifyReply, session: OpenedSession): void {
  const { name, isSecure } = reply.server.sessionCookie;
  void reply.setCookie(name, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: isSecure,
    path: "/",
    expires: session.expiresAt,
  });
}

/** POST /api/auth/login (rate-limited), POST /api/auth/logout, GET /api/auth/me */
export function registerAuthRoutes(
  app: FastifyInstance,
  deps: {
    auth: AuthService;
    loginRateLimits: LoginRateLimits;
    /** the session's live connections close with it */
    liveSessions?: Pick<LiveSessions, "endSession">;
    /** `MM-DD`: DIRECTOR_GRADUATES_OPEN_UNTIL, what `me` tells a graduating student */
    graduatesOpenUntil: string;
  },
): void {
  const { auth } = deps;
  const limitAttempts = limitLoginAttempts(app, deps.loginRateLimits);

  registerApiRoute(
    app,
    authRoutes.login,
    async ({ body, reply }) => {
      const session = await auth.login(body.username, body.password);
      setSessionCookie(reply, session);
      return {
        user: presentUser(session.user, auth.guidelines.version),
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
      };
    },
    { preHandler: limitAttempts },
  );

  registerApiRoute(app, authRoutes.logout, async ({ request, reply }) => {
    const token = sessionTokenOf(request);
    if (token) {
      await auth.logout(token);
      deps.liveSessions?.endSession(token);
    }
    // with the same attributes: a browser ignores a `__Host-` cookie without Secure, even one that deletes it
    const { name, isSecure } = reply.server.sessionCookie;
    void reply.clearCookie(name, { path: "/", secure: isSecure, httpOnly: true, sameSite: "lax" });
  });

  registerApiRoute(app, authRoutes.me, async ({ actor }) => ({
    ...presentUser(actor, auth.guidelines.version),
    graduation: graduationNotice(actor, new Date(), deps.graduatesOpenUntil),
  }));
}
