import {
  createSiteRequestSchema,
  deleteSiteRequestSchema,
  siteAdminCommentRequestSchema,
  siteDescriptionRequestSchema,
  siteImageChangeRequestSchema,
  siteListQuerySchema,
} from "@director/contracts/manager-api";
import { siteParamsSchema, waitQuerySchema } from "@director/contracts/manager-params";
import {
  changeSiteTypeRequestSchema,
  siteAvailabilityRequestSchema,
  siteLimitsRequestSchema,
} from "@director/contracts/manager-site-settings";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Operation } from "@director/domain/operation";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { waitForOperation } from "../operations/wait-for-operation.js";
import { presentOperation, presentSite, type SiteUrlTemplatesByPurpose } from "./sites.presenter.js";
import type { SitesService } from "./sites.service.js";

/** How long `?wait=true` waits for the operation to end, so that a script can go on at once. */
const waitTimeoutMs = 60_000;

/** 200 when the operation succeeded (it was waited for), else 202: the operation says whether it runs or failed. */
function sendOperation(reply: FastifyReply, operation: Operation) {
  return reply.status(operation.status === "succeeded" ? 200 : 202).send({ operation: presentOperation(operation) });
}

/**
 * GET /api/sites?q=&limit=&offset= (search, with the total), POST /api/sites, GET/PATCH(type)/DELETE (with
 * `{confirmName}`) /api/sites/:name, POST /api/sites/:name/restart, PUT /api/sites/:name/description (members),
 * PUT /api/sites/:name/{availability,limits} (administrators), PUT /api/sites/:name/image (members);
 * the ones that queue an operation take `?wait=true`.
 */
export function registerSiteRoutes(
  app: FastifyInstance,
  deps: {
    auth: AuthService;
    sites: SitesService;
    operations: Pick<OperationsRepository, "findById">;
    urlTemplate: string;
    urlTemplatesByPurpose?: SiteUrlTemplatesByPurpose;
  },
): void {
  const { auth, sites, operations, urlTemplate } = deps;
  const urlTemplatesByPurpose = deps.urlTemplatesByPurpose ?? {};
  /** Answers with the operation, first waiting for it to end when the caller asked `?wait=true`. */
  const answerOperation = async (request: FastifyRequest, reply: FastifyReply, queued: Operation) => {
    const { wait } = waitQuerySchema.parse(request.query);
    return sendOperation(reply, wait === "true" ? await waitForOperation(operations, queued, waitTimeoutMs) : queued);
  };
  const view = async (site: Awaited<ReturnType<SitesService["findForAction"]>>) =>
    presentSite(site, {
      urlTemplate,
      urlTemplatesByPurpose,
      members: await sites.membersOf(site),
      operation: await sites.currentOperation(site),
      imageName: await sites.imageNameOf(site),
    });

  app.get("/api/sites", async (request) => {
    const actor = await authenticate(auth, request);
    const query = siteListQuerySchema.parse(request.query);
    const found = await sites.search(actor, query);
    const detailsOf = await sites.detailsOf(found.sites);
    return {
      sites: found.sites.map((site) => presentSite(site, { urlTemplate, urlTemplatesByPurpose, ...detailsOf(site) })),
      total: found.total,
      limit: query.limit,
      offset: query.offset,
    };
  });

  app.post("/api/sites", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const body = createSiteRequestSchema.parse(request.body ?? {});
    const { wait } = waitQuerySchema.parse(request.query);
    const created = await sites.create(actor, body);
    if (wait === "true") {
      const operation = await waitForOperation(operations, created.operation, waitTimeoutMs);
      const site = await sites.findForAction(actor, created.site.name, "view");
      // 202 unless it succeeded: the operation in the body says whether it is still running or failed, and why.
      const status = operation.status === "succeeded" ? 201 : 202;
      return reply.status(status).send({ site: await view(site), operation: presentOperation(operation) });
    }
    return reply.status(202).send({
      site: presentSite(created.site, {
        urlTemplate,
        urlTemplatesByPurpose,
        members: [actor.username],
        operation: created.operation,
        imageName: null,
      }),
      operation: presentOperation(created.operation),
    });
  });

  app.get("/api/sites/:name", async (request) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    return view(await sites.findForAction(actor, name, "view"));
  });

  app.patch("/api/sites/:name", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { type } = changeSiteTypeRequestSchema.parse(request.body ?? {});
    const queued = await sites.changeType(actor, name, type);
    return answerOperation(request, reply, queued);
  });

  app.post("/api/sites/:name/restart", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const queued = await sites.restart(actor, name);
    return answerOperation(request, reply, queued);
  });

  app.put("/api/sites/:name/availability", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { availability } = siteAvailabilityRequestSchema.parse(request.body ?? {});
    const queued = await sites.setAvailability(actor, name, availability);
    return answerOperation(request, reply, queued);
  });

  app.put("/api/sites/:name/limits", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const limits = siteLimitsRequestSchema.parse(request.body ?? {});
    const queued = await sites.setLimits(actor, name, limits);
    return answerOperation(request, reply, queued);
  });

  app.put("/api/sites/:name/image", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const body = siteImageChangeRequestSchema.parse(request.body ?? {});
    const queued = await sites.changeImage(actor, name, body);
    return answerOperation(request, reply, queued);
  });

  app.put("/api/sites/:name/description", async (request) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { description } = siteDescriptionRequestSchema.parse(request.body ?? {});
    return view(await sites.updateDescription(actor, name, description));
  });

  app.put("/api/sites/:name/admin-comment", async (request) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const { comment } = siteAdminCommentRequestSchema.parse(request.body ?? {});
    return view(await sites.updateAdminComment(actor, name, comment));
  });

  app.delete("/api/sites/:name", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    // A missing confirmation is refused by the service after the access check, so it reveals nothing.
    const { confirmName } = deleteSiteRequestSchema.parse(request.body ?? {});
    const queued = await sites.delete(actor, name, confirmName);
    return answerOperation(request, reply, queued);
  });
}
