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
import { registerMemberRoutes } from "../features/members/members.routes.js";
import type { MembersService } from "../features/members/members.service.js";
import { registerOperationRoutes } from "../features/operations/operations.routes.js";
import { registerReconcileRoutes } from "../features/reconcile/reconcile.routes.js";
import type { ReconcileService } from "../features/reconcile/reconcile.service.js";
import { registerSiteRequestRoutes } from "../features/site-requests/site-requests.routes.js";
import type { SiteRequestsService } from "../features/site-requests/site-requests.service.js";
import { registerSiteProcessRoutes, type SiteProcessReader } from "../features/sites/site-process.routes.js";
import type { SiteUrlTemplatesByPurpose } from "../features/sites/sites.presenter.js";
import { registerSiteRoutes } from "../features/sites/sites.routes.js";
import type { SitesService } from "../features/sites/sites.service.js";

export interface ManagerAppDeps {
  log: Logger;
  auth: AuthService;
  sites: SitesService;
  images: ImagesService;
  members: MembersService;
  siteRequests: SiteRequestsService;
  files: FilesService;
  operations: Pick<OperationsRepository, "findById">;
  siteMembership: Pick<SitesRepository, "isMember">;
  siteProcess: SiteProcessReader;
  reconcile: ReconcileService;
  urlTemplate: string;
  /** purposes whose sites have their own URL pattern (config sites.urlTemplatesByPurpose) */
  urlTemplatesByPurpose?: SiteUrlTemplatesByPurpose;
  maxUploadBytes: number;
  isCookieSecure: boolean;
}

/** What a person opening the manager's address sees until the web interface lands. */
const landingPage = `<!doctype html><html lang=en><head><meta charset=utf-8><title>Director</title></head>
<body><h1>Director is running</h1><p>This release has the JSON API under <code>/api</code>; the README lists its
routes. The web interface comes next.</p></body></html>
`;

/** The manager's HTTP app: JSON API under /api. No I/O happens here beyond what the services do. */
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
    ...(deps.urlTemplatesByPurpose ? { urlTemplatesByPurpose: deps.urlTemplatesByPurpose } : {}),
  });
  registerMemberRoutes(app, { auth: deps.auth, members: deps.members });
  registerSiteRequestRoutes(app, { auth: deps.auth, requests: deps.siteRequests, operations: deps.operations });
  registerImageRoutes(app, { auth: deps.auth, images: deps.images });
  registerSiteProcessRoutes(app, { auth: deps.auth, sites: deps.sites, process: deps.siteProcess });
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(landingPage));
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
  return app;
}
