import { idParamsSchema, operationListQuerySchema } from "@director/contracts/manager-params";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { presentOperation } from "../sites/sites.presenter.js";
import type { OperationsAdminService } from "./operations-admin.service.js";

/**
 * GET /api/admin/operations?status=failed|all&limit=&offset= — every operation, newest first, with its steps and
 * `total`; POST /api/admin/operations/:id/retry — a failed operation runs again from its failed step (202, the
 * operation; follow it at /api/operations/:id/events). Administrators only.
 */
export function registerOperationsAdminRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; operationsAdmin: OperationsAdminService },
): void {
  app.get("/api/admin/operations", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const query = operationListQuerySchema.parse(request.query);
    const { operations, total } = await deps.operationsAdmin.list(actor, query);
    return { operations: operations.map(presentOperation), total, limit: query.limit, offset: query.offset };
  });

  app.post("/api/admin/operations/:id/retry", async (request, reply) => {
    const actor = await authenticate(deps.auth, request);
    const { id } = idParamsSchema.parse(request.params);
    const operation = await deps.operationsAdmin.retry(actor, id);
    return reply.status(202).send({ operation: presentOperation(operation) });
  });
}
