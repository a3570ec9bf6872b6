import { balancerSiteSpecSchema, orchestratorApiPrefix } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { BalancerConfig, SiteDirectories } from "../core/ports.js";
import type { SiteServices } from "../core/site-services.js";

/** The site id in a `/sites/:id/...` path. */
export function siteIdOf(request: FastifyRequest): SiteId {
  return parseSiteId((request.params as { id?: unknown }).id);
}

/**
 * PUT/DELETE /sites/:id/directories and /sites/:id/balancer; each is idempotent and answers 204. Deleting the
 * directories is how a site is deleted for good, so its images go with them (best effort, when Docker is there).
 * The files are deleted only once no process of the site runs any more (503 SITE_PROCESS_STILL_RUNNING until then):
 * a process that outlived its service could otherwise keep changing the tree while it is being deleted.
 */
export function registerSiteRoutes(
  app: FastifyInstance,
  deps: {
    directories: SiteDirectories;
    balancer: BalancerConfig;
    services?: Pick<SiteServices, "removeImages" | "assertNoProcess"> | null;
  },
): void {
  const { directories, balancer } = deps;
  const site = `${orchestratorApiPrefix}/sites/:id`;

  app.put(`${site}/directories`, async (request, reply) => {
    await directories.ensure(siteIdOf(request));
    return reply.status(204).send();
  });

  app.delete(`${site}/directories`, async (request, reply) => {
    const id = siteIdOf(request);
    await deps.services?.assertNoProcess(id);
    await directories.remove(id);
    await deps.services?.removeImages(id);
    return reply.status(204).send();
  });

  app.put(`${site}/balancer`, async (request, reply) => {
    const id = siteIdOf(request);
    const spec = balancerSiteSpecSchema.parse(request.body);
    if (spec.id !== id) {
      throw new DirectorError("VALIDATION_FAILED", `The body is for site ${spec.id} but the path names site ${id}.`, {
        details: { fields: { id: "must equal the id in the path" } },
      });
    }
    parseSiteName(spec.name); // a clear SITE_NAME_INVALID before anything is rendered
    await balancer.upsert(spec);
    return reply.status(204).send();
  });

  app.delete(`${site}/balancer`, async (request, reply) => {
    await balancer.remove(siteIdOf(request));
    return reply.status(204).send();
  });
}
