import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import { presentUser } from "../auth/auth.routes.js";
import type { AuthService } from "../auth/auth.service.js";

/**
 * GET /api/guidelines (the text, and when the caller accepted it), POST /api/guidelines/accept. Both work before
 * acceptance: they are how a person gets past GUIDELINES_NOT_ACCEPTED.
 */
export function registerGuidelinesRoutes(app: FastifyInstance, deps: { auth: AuthService; text: string }): void {
  const { auth } = deps;

  app.get("/api/guidelines", async (request) => {
    const user = await authenticate(auth, request, { isAllowedBeforeGuidelines: true });
    return { text: deps.text, acceptedAt: user.guidelinesAcceptedAt?.toISOString() ?? null };
  });

  app.post("/api/guidelines/accept", async (request) => {
    const user = await authenticate(auth, request, { isAllowedBeforeGuidelines: true });
    return presentUser(await auth.acceptGuidelines(user));
  });
}
