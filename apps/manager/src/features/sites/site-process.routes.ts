import type { SiteLogs, SiteServiceStatus } from "@director/contracts/orchestrator-api";
import type { SiteId } from "@director/domain/site";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { authenticate } from "../../http/authenticate.js";
import type { AuthService } from "../auth/auth.service.js";
import type { SitesService } from "./sites.service.js";

/** Where a dynamic site's process can be looked at (the orchestrator that runs it). */
export interface SiteProcessReader {
  serviceStatus(siteId: SiteId): Promise<SiteServiceStatus>;
  logs(siteId: SiteId, tailLines: number): Promise<SiteLogs>;
}

const paramsSchema = z.object({ name: z.string().max(64) });
const logsQuerySchema = z.object({ tailLines: z.coerce.number().int().min(1).max(1000).default(100) });

/** GET /api/sites/:name/process (is it running, and if not, why) and GET /api/sites/:name/logs?tailLines=N */
export function registerSiteProcessRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; sites: SitesService; process: SiteProcessReader },
): void {
  app.get("/api/sites/:name/process", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const { name } = paramsSchema.parse(request.params);
    const site = await deps.sites.findForAction(actor, name, "view");
    if (site.type === "static") {
      return { state: "absent", message: "A static site has no process: nginx serves its public/ files." };
    }
    return deps.process.serviceStatus(site.id);
  });

  app.get("/api/sites/:name/logs", async (request) => {
    const actor = await authenticate(deps.auth, request);
    const { name } = paramsSchema.parse(request.params);
    const { tailLines } = logsQuerySchema.parse(request.query);
    const site = await deps.sites.findForAction(actor, name, "view");
    if (site.type === "static") return { lines: [] };
    return deps.process.logs(site.id, tailLines);
  });
}
