import { loginRequestSchema, type UserView } from "@director/contracts/manager-api";
import type { User } from "@director/db/models";
import type { FastifyInstance } from "fastify";
import { authenticate, sessionCookieName, sessionTokenOf } from "../../http/authenticate.js";
import type { AuthService } from "./auth.service.js";

export function presentUser(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    isSuperuser: user.isSuperuser,
  };
}

/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me */
export function registerAuthRoutes(app: FastifyInstance, deps: { auth: AuthService; isCookieSecure: boolean }): void {
  const { auth } = deps;

  app.post("/api/auth/login", async (request, reply) => {
    const body = loginRequestSchema.parse(request.body);
    const session = await auth.login(body.username, body.password);
    void reply.setCookie(sessionCookieName, session.token, {
      httpOnly: true,
      sameSite: "lax",
      secure: deps.isCookieSecure,
      path: "/",
      expires: session.expiresAt,
    });
    return { user: presentUser(session.user), token: session.token, expiresAt: session.expiresAt.toISOString() };
  });

  app.post("/api/auth/logout", async (request, reply) => {
    await authenticate(auth, request);
    const token = sessionTokenOf(request);
    if (token) await auth.logout(token);
    void reply.clearCookie(sessionCookieName, { path: "/" });
    return reply.status(204).send();
  });

  app.get("/api/auth/me", async (request) => presentUser(await authenticate(auth, request)));
}
