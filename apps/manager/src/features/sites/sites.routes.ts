import { siteRoutes } from "@director/contracts/manager-routes-sites";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { Operation } from "@director/domain/operation";
import type { FastifyInstance, FastifyReply } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { waitForOperation } from "../operations/wait-for-operation.js";
import {
  presentOperation,
  presentSite,
  presentSiteListItem,
  type SiteUrlTemplatesByPurpose,
} from "./sites.presenter.js";
import type { SitesService } from "./sites.service.js";

/** How long `?wait=true` waits for the operation to end, so that a script can go on at once. */
const waitTimeoutMs = 60_000;

/** 200 when the operation succeeded (it was waited for), else 202: the operation says whether it runs or failed. */
function sendOperation(reply: FastifyReply, operation: Operation) {
  reply.status(operation.status === "succeeded" ? 200 : 202);
  return { operation: presentOperation(operation) };
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
    sites: SitesService;
    operations: Pick<OperationsRepository, "findById">;
    urlTemplate: string;
    urlTemplatesByPurpose?: SiteUrlTemplatesByPurpose;
  },
): void {
  const { sites, operations, urlTemplate } = deps;
  const urlTemplatesByPurpose = deps.urlTemplatesByPurpose ?? {};
  /** Answers with the operation, first waiting for it to end when the caller asked `?wait=true`. */
  const answerOperation = async (reply: FastifyReply, wait: "true" | "false", queued: Operation) =>
    sendOperation(reply, wait === "true" ? await waitForOperation(operations, queued, waitTimeoutMs) : queued);
  const view = async (site: Awaited<ReturnType<SitesService["findForAction"]>>) =>
    presentSite(site, {
      urlTemplate,
      urlTemplatesByPurpose,
      members: await sites.membersOf(site),
      operation: await sites.currentOperation(site),
      imageName: await sites.imageNameOf(site),
    });

  registerApiRoute(app, siteRoutes.list, async ({ actor, query }) => {
    const found = await sites.listPage(actor, query);
    return {
      sites: found.entries.map(({ site, ...details }) =>
        presentSiteListItem(site, { urlTemplate, urlTemplatesByPurpose, ...details }),
      ),
      total: found.total,
      limit: query.limit,
      offset: query.offset,
    };
  });

  registerApiRoute(app, siteRoutes.create, async ({ actor, query, body, reply }) => {
    const created = await sites.create(actor, body);
    if (query.wait === "true") {
      const operation = await waitForOperation(operations, created.operation, waitTimeoutMs);
      const site = await sites.findForAction(actor, created.site.name, "view");
      // 202 unless it succeeded: the operation in the body says whether it is still running or failed, and why.
      reply.status(operation.status === "succeeded" ? 201 : 202);
      return { site: await view(site), operation: presentOperation(operation) };
    }
    reply.status(202);
    return {
      site: presentSite(created.site, {
        urlTemplate,
        urlTemplatesByPurpose,
        members: [actor.username],
        operation: created.operation,
        imageName: null,
      }),
      operation: presentOperation(created.operation),
    };
  });

  registerApiRoute(app, siteRoutes.get, async ({ actor, params }) =>
    view(await sites.findForAction(actor, params.name, "view")),
  );

  registerApiRoute(app, siteRoutes.changeType, async ({ actor, params, query, body, reply }) =>
    answerOperation(reply, query.wait, await sites.changeType(actor, params.name, body.type)),
  );

  registerApiRoute(app, siteRoutes.rename, async ({ actor, params, query, body, reply }) =>
    answerOperation(reply, query.wait, (await sites.rename(actor, params.name, body.name)).operation),
  );

  registerApiRoute(app, siteRoutes.restart, async ({ actor, params, query, reply }) =>
    answerOperation(reply, query.wait, await sites.restart(actor, params.name)),
  );

  registerApiRoute(app, siteRoutes.setAvailability, async ({ actor, params, query, body, reply }) =>
    answerOperation(reply, query.wait, await sites.setAvailability(actor, params.name, body.availability)),
  );

  registerApiRoute(app, siteRoutes.setLimits, async ({ actor, params, query, body, reply }) =>
    answerOperation(reply, query.wait, await sites.setLimits(actor, params.name, body)),
  );

  registerApiRoute(app, siteRoutes.setImage, async ({ actor, params, query, body, reply }) =>
    answerOperation(reply, query.wait, await sites.changeImage(actor, params.name, body)),
  );

  registerApiRoute(app, siteRoutes.setDescription, async ({ actor, params, body }) =>
    view(await sites.updateDescription(actor, params.name, body.description)),
  );

  registerApiRoute(app, siteRoutes.setAdminComment, async ({ actor, params, body }) =>
    view(await sites.updateAdminComment(actor, params.name, body.comment)),
  );

  // A missing confirmation is refused by the service after the access check, so it reveals nothing.
  registerApiRoute(app, siteRoutes.remove, async ({ actor, params, query, body, reply }) =>
    answerOperation(reply, query.wait, await sites.delete(actor, params.name, body.confirmName)),
  );
}
