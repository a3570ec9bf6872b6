import { adminRoutes } from "@director/contracts/manager-routes-accounts";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { MassMailService } from "./mass-mail.service.js";

/** POST /api/admin/mail {subject, text, to: "all" | usernames, confirm} (administrators) */
export function registerMassMailRoutes(app: FastifyInstance, deps: { massMail: MassMailService }): void {
  registerApiRoute(app, adminRoutes.massMail, async ({ actor, body }) => deps.massMail.send(actor, body));
}
