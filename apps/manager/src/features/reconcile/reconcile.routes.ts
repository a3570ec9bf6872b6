import { adminRoutes } from "@director/contracts/manager-routes-accounts";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { canReconcile } from "./reconcile.policy.js";
import type { ReconcileService } from "./reconcile.service.js";

/** How long `?wait=true` waits for the repair operations to end, as the site routes do. */
const waitTimeoutMs = 60_000;

/**
 * POST /api/admin/reconcile (administrators): body `{ site?, isDryRun? }`; answers the ReconcileReport
 * (contracts/manager-api.ts), the same as `director reconcile --json`.
 */
export function registerReconcileRoutes(app: FastifyInstance, deps: { reconcile: ReconcileService }): void {
  registerApiRoute(app, adminRoutes.reconcile, async ({ actor, query, body }) => {
    if (!canReconcile(actor)) throw new DirectorError("FORBIDDEN", "Only administrators may run reconcile.");
    return deps.reconcile.run({
      actorId: actor.id,
      ...(body.site === undefined ? {} : { siteName: body.site }),
      isDryRun: body.isDryRun,
      ...(query.wait === "true" ? { wait: { timeoutMs: waitTimeoutMs } } : {}),
    });
  });
}
