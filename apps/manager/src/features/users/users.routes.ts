import { adminRoutes } from "@director/contracts/manager-routes-accounts";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { presentUser } from "../auth/auth.routes.js";
import type { AuthService } from "../auth/auth.service.js";
import type { LiveSessions } from "../live/live-sessions.js";
import type { GraduatingClassService } from "./graduating-class.service.js";
import type { UsersService } from "./users.service.js";

/**
 * GET /api/admin/users, POST /api/admin/users (invite), PATCH /api/admin/users/:username, and a graduation year's
 * students: GET /api/admin/classes/:year, POST …/disable (administrators).
 */
export function registerUserRoutes(
  app: FastifyInstance,
  deps: {
    auth: Pick<AuthService, "guidelines">;
    users: UsersService;
    graduatingClass: GraduatingClassService;
    liveSessions?: Pick<LiveSessions, "endUser">;
  },
): void {
  const { auth, users, graduatingClass } = deps;
  registerApiRoute(app, adminRoutes.listUsers, async ({ actor, query }) => {
    const page = await users.list(actor, query);
    return { users: page.users.map((user) => presentUser(user, auth.guidelines.version)), total: page.total };
  });
  registerApiRoute(app, adminRoutes.inviteUser, async ({ actor, body }) =>
    presentUser(await users.invite(actor, body), auth.guidelines.version),
  );
  registerApiRoute(app, adminRoutes.updateUser, async ({ actor, params, body }) => {
    const updated = await users.update(actor, params.username, body);
    // A disabled account's sessions are gone already; its open live connections go now, not at their next check.
    if (!updated.isActive) deps.liveSessions?.endUser(updated.id);
    return presentUser(updated, auth.guidelines.version);
  });
  registerApiRoute(app, adminRoutes.classSummary, async ({ actor, params }) =>
    graduatingClass.summary(actor, params.year),
  );
  registerApiRoute(app, adminRoutes.disableClass, async ({ actor, params, body }) => {
    const { view, userIds } = await graduatingClass.disable(actor, params.year, body.confirm);
    for (const id of userIds) deps.liveSessions?.endUser(id);
    return view;
  });
}
