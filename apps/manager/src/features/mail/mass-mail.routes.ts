import { massMailRequestSchema } from "@director/contracts/manager-api";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import type { MassMailService } from "./mass-mail.service.js";

/** POST /api/admin/mail {subject, text, to: "all" | usernames, confirm} (administrators) */
export function registerMassMailRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; massMail: MassMailService },
): void {
  app.post("/api/admin/mail", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const body = massMailRequestSchema.parse(request.body ?? {});
    return deps.massMail.send(actor, body);
  });
}
