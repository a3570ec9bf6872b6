import { orchestratorApiPrefix, siteImageRequestSchema } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { parseImageRef } from "@director/domain/image-ref";
import { parsePackageList } from "@director/domain/package-name";
import type { FastifyInstance } from "fastify";
import type { SiteImages } from "../core/site-images.js";
import { siteIdOf } from "./site-routes.js";

/** POST /sites/:id/image (contracts/orchestrator-api.ts). `images` null (no Docker engine at start): 503 DOCKER_UNAVAILABLE. */
export function registerImageRoutes(
  app: FastifyInstance,
  deps: { images: SiteImages | null; refusal?: DirectorError | null },
): void {
  app.post(`${orchestratorApiPrefix}/sites/:id/image`, async (request) => {
    const id = siteIdOf(request);
    const body = siteImageRequestSchema.parse(request.body);
    if (body.id !== id) {
      throw new DirectorError("VALIDATION_FAILED", `The body is for site ${body.id} but the path names site ${id}.`, {
        details: { fields: { id: "must equal the id in the path" } },
      });
    }
    if (body.installCommandPrefix.includes("\n") || body.installCommandPrefix.includes("\0")) {
      throw new DirectorError("VALIDATION_FAILED", "The install command must be one line.", {
        details: { fields: { installCommandPrefix: "must be one line" } },
      });
    }
    const packages = parsePackageList(body.packages);
    if (packages.length > 0 && body.installCommandPrefix.trim() === "") {
      throw new DirectorError("VALIDATION_FAILED", "This image has no install command: it cannot add packages.", {
        details: { fields: { packages: "must be empty for an image without an install command" } },
      });
    }
    if (deps.refusal) throw deps.refusal;
    if (deps.images === null) {
      throw new DirectorError(
        "DOCKER_UNAVAILABLE",
        "Site images are unavailable: the orchestrator started without a reachable Docker engine.",
      );
    }
    return deps.images.prepare({
      siteId: id,
      parent: parseImageRef(body.parent),
      setupCommands: body.setupCommands,
      installCommandPrefix: body.installCommandPrefix,
      packages,
    });
  });
}
