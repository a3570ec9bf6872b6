import { memberRoutes } from "@director/contracts/manager-routes-members";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { MembersService } from "./members.service.js";

/**
 * GET /api/sites/:name/members (anyone who sees the site), POST /api/sites/:name/members {username} and
 * DELETE /api/sites/:name/members/:username (members of the site; a personal site's owner; administrators).
 * Each answers with the members after the change.
 */
export function registerMemberRoutes(app: FastifyInstance, deps: { members: MembersService }) {
  const { members } = deps;
  registerApiRoute(app, memberRoutes.list, async ({ actor, params }) => ({
    members: await members.list(actor, params.name),
  }));
  registerApiRoute(app, memberRoutes.add, async ({ actor, params, body }) => ({
    members: await members.add(actor, params.name, body.username),
  }));
  registerApiRoute(app, memberRoutes.transfer, async ({ actor, params, body }) =>
    members.transfer(actor, params.name, body),
  );
  registerApiRoute(app, memberRoutes.remove, async ({ actor, params }) => ({
    members: await members.remove(actor, params.name, params.username),
  }));
}
