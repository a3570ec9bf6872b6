import { adminRoutes } from "@director/contracts/manager-routes-accounts";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { AuditLogService } from "./audit-log.service.js";

/** GET /api/admin/audit?actor=&site=&action=&limit=&before= (administrators) */
export function registerAuditRoutes(app: FastifyInstance, deps: { auditLog: AuditLogService }): void {
  registerApiRoute(app, adminRoutes.audit, async ({ actor, query }) => {
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
