import { adminRoutes } from "@director/contracts/manager-routes-accounts";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { presentOperation } from "../sites/sites.presenter.js";
import type { OperationsAdminService } from "./operations-admin.service.js";

/**
 * GET /api/admin/operations?status=failed|all&limit=&offset= — every operation, newest first, with its steps and
 * `total`; POST /api/admin/operations/:id/retry — a failed operation runs again from its failed step (202, the
 * operation; follow it at /api/operations/:id/events). Administrators only.
 */
export function registerOperationsAdminRoutes(
  app: FastifyInstance,
  deps: { operationsAdmin: OperationsAdminService },
): void {
  registerApiRoute(app, adminRoutes.listOperations, async ({ actor, query }) => {
    const { operations, total } = await deps.operationsAdmin.list(actor, query);
    return { operations: operations.map(presentOperation), total, limit: query.limit, offset: query.offset };
  });
  registerApiRoute(app, adminRoutes.retryOperation, async ({ actor, params }) => ({
    operation: presentOperation(await deps.operationsAdmin.retry(actor, params.id)),
  }));
}
