import { siteRequestRoutes } from "@director/contracts/manager-routes-sites";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Actor } from "@director/domain/actor";
import type { SiteRequestRecord } from "@director/domain/site-request";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { waitForOperation } from "../operations/wait-for-operation.js";
import { presentOperation } from "../sites/sites.presenter.js";
import { presentSiteRequest } from "./site-requests.presenter.js";
import type { SiteRequestsService } from "./site-requests.service.js";

const waitTimeoutMs = 60_000;

/**
 * GET/POST /api/site-requests, GET /api/site-requests/:id, POST /api/site-requests/:id/teacher-decision (the
 * sponsor), POST /api/site-requests/:id/admin-decision (administrators; `?wait=true` waits for the new site's
 * create operation).
 */
export function registerSiteRequestRoutes(
  app: FastifyInstance,
  deps: { requests: SiteRequestsService; operations: Pick<OperationsRepository, "findById"> },
): void {
  const { requests, operations } = deps;
  const view = (actor: Actor, request: SiteRequestRecord) =>
    presentSiteRequest(request, requests.canSeePrivateComment(actor, request));

  registerApiRoute(app, siteRequestRoutes.list, async ({ actor, query }) => {
    const found = await requests.list(actor, query);
    return { requests: found.requests.map((one) => view(actor, one)), total: found.total, ...query };
  });

  registerApiRoute(app, siteRequestRoutes.create, async ({ actor, body }) =>
    view(actor, await requests.create(actor, body)),
  );

  registerApiRoute(app, siteRequestRoutes.get, async ({ actor, params }) =>
    view(actor, await requests.find(actor, params.id)),
  );

  registerApiRoute(app, siteRequestRoutes.teacherDecision, async ({ actor, params, body }) =>
    view(actor, await requests.decideAsTeacher(actor, params.id, body)),
  );

  registerApiRoute(app, siteRequestRoutes.adminDecision, async ({ actor, params, query, body }) => {
    const decided = await requests.decideAsAdmin(actor, params.id, body);
    const operation =
      decided.operation && query.wait === "true"
        ? await waitForOperation(operations, decided.operation, waitTimeoutMs)
        : decided.operation;
    return { request: view(actor, decided.request), operation: operation ? presentOperation(operation) : null };
  });
}
