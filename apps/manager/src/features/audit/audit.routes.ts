import { type auditPageSchema, auditQuerySchema } from "@director/contracts/manager-api";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import type { AuditLogService } from "./audit-log.service.js";

/** GET /api/admin/audit?actor=&site=&action=&limit=&before= (administrators) */
export function registerAuditRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; auditLog: AuditLogService },
): void {
  app.get("/api/admin/audit", async (request): Promise<z.infer<typeof auditPageSchema>> => {
    const actor = await authenticate(deps.auth, request);
    const query = auditQuerySchema.parse(request.query);
    const page = await deps.auditLog.list(actor, query);
    return {
      events: page.events.map((event) => ({
        id: event.id,
        at: event.at.toISOString(),
        actor: event.actorUsername,
        action: event.action,
        target: event.target,
        details: event.details,
      })),
      nextBefore: page.nextBefore,
    };
  });
}
