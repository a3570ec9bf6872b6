import { addSiteMemberRequestSchema } from "@director/contracts/manager-api";
import { siteMemberParamsSchema, siteParamsSchema } from "@director/contracts/manager-params";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import type { MembersService } from "./members.service.js";

/**
 * GET /api/sites/:name/members (anyone who sees the site), POST /api/sites/:name/members {username} and
 * DELETE /api/sites/:name/members/:username (members of the site; a personal site's owner; administrators).
 * Each answers with the members after the change.
 */
export function registerMemberRoutes(app: FastifyInstance, deps: { auth: AuthService; members: MembersService }) {
  const { auth, members } = deps;

  app.get("/api/sites/:name/members", async (request) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    return { members: await members.list(actor, name) };
  });

  app.post("/api/sites/:name/members", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { username } = addSiteMemberRequestSchema.parse(request.body ?? {});
    return reply.status(201).send({ members: await members.add(actor, name, username) });
  });

  app.delete("/api/sites/:name/members/:username", async (request) => {
    const actor = await authenticate(auth, request);
    const { name, username } = siteMemberParamsSchema.parse(request.params);
    return { members: await members.remove(actor, name, username) };
  });
}
