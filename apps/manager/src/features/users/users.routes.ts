import { inviteUserRequestSchema, updateUserRequestSchema, userListQuerySchema } from "@director/contracts/manager-api";
import { userParamsSchema } from "@director/contracts/manager-params";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import { presentUser } from "../auth/auth.routes.js";
import type { AuthService } from "../auth/auth.service.js";
import type { LiveSessions } from "../live/live-sessions.js";
import type { UsersService } from "./users.service.js";

/** GET /api/admin/users, POST /api/admin/users (invite), PATCH /api/admin/users/:username (administrators). */
export function registerUserRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; users: UsersService; liveSessions?: Pick<LiveSessions, "endUser"> },
): void {
  const { auth, users } = deps;

  app.get("/api/admin/users", async (request) => {
    const actor = await authenticate(auth, request);
    const query = userListQuerySchema.parse(request.query);
    const page = await users.list(actor, query);
    return { users: page.users.map((user) => presentUser(user, auth.guidelines.version)), total: page.total };
  });

  app.post("/api/admin/users", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const body = inviteUserRequestSchema.parse(request.body ?? {});
    return reply.status(201).send(presentUser(await users.invite(actor, body), auth.guidelines.version));
  });

  app.patch("/api/admin/users/:username", async (request) => {
    const actor = await authenticate(auth, request);
    const { username } = userParamsSchema.parse(request.params);
    const change = updateUserRequestSchema.parse(request.body ?? {});
    const updated = await users.update(actor, username, change);
    // A disabled account's sessions are gone already; its open live connections go now, not at their next check.
    if (!updated.isActive) deps.liveSessions?.endUser(updated.id);
    return presentUser(updated, auth.guidelines.version);
  });
}
