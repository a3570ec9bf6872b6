import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import { installErrorHandling } from "@director/http-kit/error-handler";
import cookie from "@fastify/cookie";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { registerAuthRoutes } from "../features/auth/auth.routes.js";
import type { AuthService } from "../features/auth/auth.service.js";
import { registerFileRoutes } from "../features/files/files.routes.js";
import type { FilesService } from "../features/files/files.service.js";
import { registerImageRoutes } from "../features/images/images.routes.js";
import type { ImagesService } from "../features/images/images.service.js";
import { registerOperationRoutes } from "../features/operations/operations.routes.js";
import { registerReconcileRoutes } from "../features/reconcile/reconcile.routes.js";
import type { ReconcileService } from "../features/reconcile/reconcile.service.js";
import { registerSiteProcessRoutes, type SiteProcessReader } from "../features/sites/site-process.routes.js";
import { registerSiteRoutes } from "../features/sites/sites.routes.js";
import type { SitesService } from "../features/sites/sites.service.js";
import { registerWebInterface } from "./web-interface.js";

export interface ManagerAppDeps {
  log: Logger;
  auth: AuthService;
  sites: SitesService;
  images: ImagesService;
  files: FilesService;
  operations: Pick<OperationsRepository, "findById">;
  siteMembership: Pick<SitesRepository, "isMember">;
  siteProcess: SiteProcessReader;
  reconcile: ReconcileService;
  urlTemplate: string;
  maxUploadBytes: number;
  isCookieSecure: boolean;
  /** the built web interface (apps/manager-web/dist); null or absent: a page at `/` says it is not built */
  webDistDir?: string | null;
}

/** The manager's HTTP app: JSON API under /api, the web interface at `/`. No I/O happens here beyond what the services do. */
export async function buildManagerApp(deps: ManagerAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  installErrorHandling(app);
  await app.register(cookie);

  app.get("/health", async () => ({ ok: true, component: "manager" }));
  registerAuthRoutes(app, { auth: deps.auth, isCookieSecure: deps.isCookieSecure });
  registerSiteRoutes(app, {
    auth: deps.auth,
    sites: deps.sites,
    operations: deps.operations,
    urlTemplate: deps.urlTemplate,
  });
  registerImageRoutes(app, { auth: deps.auth, images: deps.images });
  registerSiteProcessRoutes(app, { auth: deps.auth, sites: deps.sites, process: deps.siteProcess });
  registerOperationRoutes(app, { auth: deps.auth, operations: deps.operations, sites: deps.siteMembership });
  registerReconcileRoutes(app, { auth: deps.auth, reconcile: deps.reconcile });

  // File uploads are raw bytes whatever their content type, so this scope has one catch-all parser.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: deps.maxUploadBytes }, (_request, body, done) => {
      done(null, body);
    });
    registerFileRoutes(scope, { auth: deps.auth, files: deps.files, maxUploadBytes: deps.maxUploadBytes });
  });
  await registerWebInterface(app, deps.webDistDir ?? null);
  return app;
}
