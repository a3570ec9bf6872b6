import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { presentOperation } from "../sites/sites.presenter.js";

const paramsSchema = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

/** GET /api/operations/:id — an operation and its steps, for whoever started it, the site's members and admins. */
export function registerOperationRoutes(
  app: FastifyInstance,
  deps: {
    auth: AuthService;
    operations: Pick<OperationsRepository, "findById">;
    sites: Pick<SitesRepository, "isMember">;
  },
): void {
  app.get("/api/operations/:id", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const { id } = paramsSchema.parse(request.params);
    const operation = await deps.operations.findById(id);
    const isVisible =
      operation !== null &&
      (actor.isSuperuser ||
        operation.createdBy === actor.id ||
        (operation.siteId !== null && (await deps.sites.isMember(operation.siteId, actor.id))));
    if (!operation || !isVisible) {
      throw new DirectorError("OPERATION_NOT_FOUND", `There is no operation ${id} that you can see.`);
    }
    return presentOperation(operation);
  });
}
