import {
  adminDecisionRequestSchema,
  createSiteRequestRequestSchema,
  teacherDecisionRequestSchema,
} from "@director/contracts/manager-api";
import { idParamsSchema, siteRequestListQuerySchema, waitQuerySchema } from "@director/contracts/manager-params";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Actor } from "@director/domain/actor";
import type { SiteRequestRecord } from "@director/domain/site-request";
import type { FastifyInstance } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
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
  deps: { auth: AuthService; requests: SiteRequestsService; operations: Pick<OperationsRepository, "findById"> },
): void {
  const { auth, requests, operations } = deps;
  const view = (actor: Actor, request: SiteRequestRecord) =>
    presentSiteRequest(request, requests.canSeePrivateComment(actor, request));

  app.get("/api/site-requests", async (request) => {
    const actor = await authenticate(auth, request);
    const page = siteRequestListQuerySchema.parse(request.query);
    const found = await requests.list(actor, page);
    return { requests: found.requests.map((one) => view(actor, one)), total: found.total, ...page };
  });

  app.post("/api/site-requests", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const body = createSiteRequestRequestSchema.parse(request.body ?? {});
    return reply.status(201).send(view(actor, await requests.create(actor, body)));
  });

  app.get("/api/site-requests/:id", async (request) => {
    const actor = await authenticate(auth, request);
    const { id } = idParamsSchema.parse(request.params);
    return view(actor, await requests.find(actor, id));
  });

  app.post("/api/site-requests/:id/teacher-decision", async (request) => {
    const actor = await authenticate(auth, request);
    const { id } = idParamsSchema.parse(request.params);
    const body = teacherDecisionRequestSchema.parse(request.body ?? {});
    return view(actor, await requests.decideAsTeacher(actor, id, body));
  });

  app.post("/api/site-requests/:id/admin-decision", async (request) => {
    const actor = await authenticate(auth, request);
    const { id } = idParamsSchema.parse(request.params);
    const body = adminDecisionRequestSchema.parse(request.body ?? {});
    const { wait } = waitQuerySchema.parse(request.query);
    const decided = await requests.decideAsAdmin(actor, id, body);
    const operation =
      decided.operation && wait === "true"
        ? await waitForOperation(operations, decided.operation, waitTimeoutMs)
        : decided.operation;
    return { request: view(actor, decided.request), operation: operation ? presentOperation(operation) : null };
  });
}
