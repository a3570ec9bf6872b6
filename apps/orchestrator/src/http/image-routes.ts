import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteImages } from "../core/site-images.js";

/** POST /sites/:id/image (contracts/orchestrator-services.ts). `images` null (no Docker engine at start): 503 DOCKER_UNAVAILABLE. */
export function registerImageRoutes(
  app: FastifyInstance,
  deps: { images: SiteImages | null; refusal?: DirectorError | null },
): void {
  registerRoute(app, orchestratorApi.buildSiteImage, async ({ params, body }) => {
    if (deps.refusal) throw deps.refusal;
    if (deps.images === null) {
      throw new DirectorError(
        "DOCKER_UNAVAILABLE",
        "Site images are unavailable: the orchestrator started without a reachable Docker engine.",
      );
    }
    return deps.images.prepare({ siteId: params.id, ...body });
  });
}
