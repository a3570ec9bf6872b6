import { guidelinesRoutes } from "@director/contracts/manager-routes-accounts";
import { hasAcceptedGuidelines } from "@director/domain/user-role";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { presentUser } from "../auth/auth.routes.js";
import type { AuthService } from "../auth/auth.service.js";

/**
 * GET /api/guidelines (the text, its version, and which version the caller accepted when), POST
 * /api/guidelines/accept. Both work before acceptance: they are how a person gets past GUIDELINES_NOT_ACCEPTED.
 */
export function registerGuidelinesRoutes(app: FastifyInstance, deps: { auth: AuthService }): void {
  const { auth } = deps;
  registerApiRoute(app, guidelinesRoutes.get, async ({ actor }) => {
    const { text, version } = auth.guidelines;
    return {
      text,
      version,
      acceptedAt: actor.guidelinesAcceptedAt?.toISOString() ?? null,
      acceptedVersion: actor.guidelinesVersion,
      isAccepted: hasAcceptedGuidelines(actor, version),
    };
  });
  registerApiRoute(app, guidelinesRoutes.accept, async ({ actor }) =>
    presentUser(await auth.acceptGuidelines(actor), auth.guidelines.version),
  );
}
