import { hasAcceptedGuidelines } from "@director/domain/user-role";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import { presentUser } from "../auth/auth.routes.js";
import type { AuthService } from "../auth/auth.service.js";

/**
 * GET /api/guidelines (the text, its version, and which version the caller accepted when), POST
 * /api/guidelines/accept. Both work before acceptance: they are how a person gets past GUIDELINES_NOT_ACCEPTED.
 */
export function registerGuidelinesRoutes(app: FastifyInstance, deps: { auth: AuthService }): void {
  const { auth } = deps;

  app.get("/api/guidelines", async (request) => {
    const user = await authenticate(auth, request, { isAllowedBeforeGuidelines: true });
    const { text, version } = auth.guidelines;
    return {
      text,
      version,
      acceptedAt: user.guidelinesAcceptedAt?.toISOString() ?? null,
      acceptedVersion: user.guidelinesVersion,
      isAccepted: hasAcceptedGuidelines(user, version),
    };
  });

  app.post("/api/guidelines/accept", async (request) => {
    const user = await authenticate(auth, request, { isAllowedBeforeGuidelines: true });
    return presentUser(await auth.acceptGuidelines(user), auth.guidelines.version);
  });
}
