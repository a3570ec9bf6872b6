import { type ReconcileReport, reconcileRequestSchema } from "@director/contracts/manager-api";
import { waitQuerySchema } from "@director/contracts/manager-params";
import { DirectorError } from "@director/domain/errors";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { canReconcile } from "./reconcile.policy.js";
import type { ReconcileService } from "./reconcile.service.js";

/** How long `?wait=true` waits for the repair operations to end, as the site routes do. */
const waitTimeoutMs = 60_000;

/**
 * POST /api/admin/reconcile (administrators): body `{ site?, isDryRun? }`; answers the ReconcileReport
 * (contracts/manager-api.ts), the same as `director reconcile --json`.
 */
export function registerReconcileRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; reconcile: ReconcileService },
): void {
  app.post("/api/admin/reconcile", async (request): Promise<ReconcileReport> => {
    const actor = await authenticate(deps.auth, request);
    if (!canReconcile(actor)) throw new DirectorError("FORBIDDEN", "Only administrators may run reconcile.");
    const body = reconcileRequestSchema.parse(request.body ?? {});
    const { wait } = waitQuerySchema.parse(request.query);
    return deps.reconcile.run({
      actorId: actor.id,
      ...(body.site === undefined ? {} : { siteName: body.site }),
      isDryRun: body.isDryRun,
      ...(wait === "true" ? { wait: { timeoutMs: waitTimeoutMs } } : {}),
    });
  });
}
