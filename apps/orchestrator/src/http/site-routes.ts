import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { BalancerConfig, SiteDirectories, SiteRedirects } from "../core/ports.js";
import type { SiteServices } from "../core/site-services.js";
import type { SiteTerminals } from "../core/site-terminals.js";

/**
 * A site's directories and balancer server block (contracts/orchestrator-sites.ts); each is idempotent. Deleting the
 * directories is how a site is deleted for good, so its images go with them (best effort, when Docker is there).
 * The files are deleted only once no process of the site runs any more (503 SITE_PROCESS_STILL_RUNNING until then):
 * a process that outlived its service could otherwise keep changing the tree while it is being deleted. The site's
 * terminals end first, for the same reason.
 */
export function registerSiteRoutes(
  app: FastifyInstance,
  deps: {
    directories: SiteDirectories;
    balancer: BalancerConfig;
    services?: Pick<SiteServices, "removeImages" | "assertNoProcess"> | null;
    terminals?: Pick<SiteTerminals, "closeSite"> | null;
    /** the old names of renamed sites (the nginx balancer's shared server); absent: none kept here */
    redirects?: SiteRedirects | null;
  },
): void {
  const { directories, balancer, redirects } = deps;

  registerRoute(app, orchestratorApi.ensureSiteDirectories, async ({ params }) => {
    await directories.ensure(params.id);
  });

  registerRoute(app, orchestratorApi.removeSiteDirectories, async ({ params }) => {
    await deps.terminals?.closeSite(params.id);
    await deps.services?.assertNoProcess(params.id);
    await directories.remove(params.id);
    await deps.services?.removeImages(params.id);
  });

  registerRoute(app, orchestratorApi.setSiteRedirects, async ({ body }) => {
    if (!redirects) {
      throw new DirectorError(
        "REDIRECTS_UNSUPPORTED",
        "This orchestrator's balancer keeps no redirects of renamed sites.",
      );
    }
    await redirects.setRedirects(body.redirects);
  });

  registerRoute(app, orchestratorApi.upsertBalancer, async ({ params, body }) => {
    await balancer.upsert({ id: params.id, ...body });
  });

  registerRoute(app, orchestratorApi.removeBalancer, async ({ params }) => {
    await balancer.remove(params.id);
  });
}
