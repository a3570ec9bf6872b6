import { createSiteRequestSchema } from "@director/contracts/manager-api";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import { presentOperation, presentSite } from "./sites.presenter.js";
import type { SitesService } from "./sites.service.js";

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const siteParamsSchema = z.object({ name: z.string().max(64) });

/** GET/POST /api/sites, GET/DELETE /api/sites/:name */
export function registerSiteRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; sites: SitesService; urlTemplate: string },
): void {
  const { auth, sites, urlTemplate } = deps;
  const view = async (site: Awaited<ReturnType<SitesService["findForAction"]>>) =>
    presentSite(site, {
      urlTemplate,
      members: await sites.membersOf(site),
      operation: await sites.currentOperation(site),
    });

  app.get("/api/sites", async (request) => {
    const actor = await authenticate(auth, request);
    const page = pageSchema.parse(request.query);
    const found = await sites.list(actor, page);
    return { sites: await Promise.all(found.map(view)), ...page };
  });

  app.post("/api/sites", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const body = createSiteRequestSchema.parse(request.body ?? {});
    const { site, operation } = await sites.create(actor, body);
    return reply.status(202).send({
      site: presentSite(site, { urlTemplate, members: [actor.username], operation }),
      operation: presentOperation(operation),
    });
  });

  app.get("/api/sites/:name", async (request) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    return view(await sites.findForAction(actor, name, "view"));
  });

  app.delete("/api/sites/:name", async (request, reply) => {
    const actor = await authenticate(auth, request);
    const { name } = siteParamsSchema.parse(request.params);
    const operation = await sites.delete(actor, name);
    return reply.status(202).send({ operation: presentOperation(operation) });
  });
}
