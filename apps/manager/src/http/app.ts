import { platformRoutes } from "@director/contracts/manager-routes-accounts";
import { translateDatabaseError } from "@director/db/database-errors";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import { answerFrameworkError, installErrorHandling } from "@director/http-kit/error-handler";
import { declaredRoutes } from "@director/http-kit/routes";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { registerAuditRoutes } from "../features/audit/audit.routes.js";
import type { AuditLogService } from "../features/audit/audit-log.service.js";
import { registerAuthRoutes } from "../features/auth/auth.routes.js";
import type { AuthService } from "../features/auth/auth.service.js";
import type { LoginRateLimits } from "../features/auth/login-rate-limit.js";
import { type OidcRoutesDeps, registerOidcRoutes } from "../features/auth/oidc.routes.js";
import { registerFileRoutes } from "../features/files/files.routes.js";
import type { FilesService } from "../features/files/files.service.js";
import { registerGuidelinesRoutes } from "../features/guidelines/guidelines.routes.js";
import { registerImageRoutes } from "../features/images/images.routes.js";
import type { ImagesService } from "../features/images/images.service.js";
import { registerLiveRoutes } from "../features/live/live.routes.js";
import { LiveHub } from "../features/live/live-hub.js";
import { LiveSessions } from "../features/live/live-sessions.js";
import type { OperationEvents } from "../features/live/operation-events.js";
import { registerMassMailRoutes } from "../features/mail/mass-mail.routes.js";
import type { MassMailService } from "../features/mail/mass-mail.service.js";
import { registerMemberRoutes } from "../features/members/members.routes.js";
import type { MembersService } from "../features/members/members.service.js";
import type { ManagerMetrics } from "../features/metrics/manager-metrics.js";
import { registerMetricsRoutes } from "../features/metrics/metrics.routes.js";
import { registerOperationRoutes } from "../features/operations/operations.routes.js";
import { registerOperationsAdminRoutes } from "../features/operations/operations-admin.routes.js";
import type { OperationsAdminService } from "../features/operations/operations-admin.service.js";
import { registerReconcileRoutes } from "../features/reconcile/reconcile.routes.js";
import type { ReconcileService } from "../features/reconcile/reconcile.service.js";
import { registerSiteRequestRoutes } from "../features/site-requests/site-requests.routes.js";
import type { SiteRequestsService } from "../features/site-requests/site-requests.service.js";
import {
  type LogStreamLimits,
  registerSiteProcessRoutes,
  type SiteProcessReader,
} from "../features/sites/site-process.routes.js";
import type { SiteUrlTemplatesByPurpose } from "../features/sites/sites.presenter.js";
import { registerSiteRoutes } from "../features/sites/sites.routes.js";
import type { SitesService } from "../features/sites/sites.service.js";
import { registerUserRoutes } from "../features/users/users.routes.js";
import type { UsersService } from "../features/users/users.service.js";
import { installCallerChecks, registerApiRoute } from "./api-routes.js";
import { installSessionCookie } from "./authenticate.js";
import { registerWebInterface } from "./web-interface.js";

export interface ManagerAppDeps {
  log: Logger;
  auth: AuthService;
  sites: SitesService;
  images: ImagesService;
  members: MembersService;
  siteRequests: SiteRequestsService;
  files: FilesService;
  operations: Pick<OperationsRepository, "findById" | "findLatestForSite">;
  siteMembership: Pick<SitesRepository, "isMember" | "findById">;
  siteProcess: SiteProcessReader;
  /** how many site logs may be followed at once, per account and in all (config logStreams) */
  logStreams: LogStreamLimits;
  /** the worker's operation changes, which open pages follow live (GET /ws) */
  operationEvents: OperationEvents;
  /** how often the live channel reads watched sites again and re-checks access (defaults: 2 s and 30 s) */
  liveTimings?: { pollMs?: number; processPollMs?: number; recheckMs?: number };
  reconcile: ReconcileService;
  urlTemplate: string;
  /** purposes whose sites have their own URL pattern (config sites.urlTemplatesByPurpose) */
  urlTemplatesByPurpose?: SiteUrlTemplatesByPurpose;
  maxUploadBytes: number;
  /** HTTPS only, and named `__Host-director_session` (authenticate.ts says why) */
  isCookieSecure: boolean;
  /** reverse proxies whose X-Forwarded-For is believed (config http.trustedProxies); none by default */
  trustedProxies?: readonly string[];
  users: UsersService;
  auditLog: AuditLogService;
  massMail: MassMailService;
  operationsAdmin: OperationsAdminService;
  loginRateLimits: LoginRateLimits;
  /** login with the identity provider; null when not configured */
  oidc: OidcRoutesDeps | null;
  /** GET /metrics and request counting; null when no metrics token is configured */
  metrics: { metrics: ManagerMetrics; token: string } | null;
  /** the built web interface (apps/manager-web/dist); null or absent: a page at `/` says it is not built */
  webDistDir?: string | null;
}

/** The manager's HTTP app: JSON API under /api, the web interface at `/`. No I/O happens here beyond what the services do. */
export async function buildManagerApp(deps: ManagerAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Only the configured proxies are believed: otherwise anyone could name any address in X-Forwarded-For and
    // step around the login limit per address.
    trustProxy: deps.trustedProxies && deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false,
    // Stopping closes every connection, also the long ones (a followed log, an operation's events): waiting for
    // them held a stop until it was killed, leaving nginx behind. A browser's EventSource reconnects by itself.
    forceCloseConnections: true,
    // A malformed address (`/api/sites/%c0%ae`) is answered with the usual error body, not Fastify's own.
    frameworkErrors: answerFrameworkError,
  });
  // PostgreSQL's refusal of text (NUL) is the caller's fault: a safety net behind the request schemas' own check.
  installErrorHandling(app, { translate: translateDatabaseError });
  // The routes as served, with their declared callers: the adversarial e2e test reads this line (level debug).
  app.addHook("onReady", async () => {
    deps.log.debug({ routes: declaredRoutes(app) }, "manager routes");
  });
  await app.register(cookie);
  installSessionCookie(app, deps.isCookieSecure);
  // Per-route limits only (STACK.md: a global limit would count websocket upgrades too).
  await app.register(rateLimit, { global: false });
  // Before the routes (the plugin's rule). A watch list is small: a larger frame is refused.
  await app.register(websocket, { options: { maxPayload: 16 * 1024 } });
  // Before any route, after the websocket plugin (whose onRequest hook marks an upgrade, so that an upgrade refused
  // here still has its socket closed): every route declares its caller (contracts/manager-routes.ts), checked first.
  installCallerChecks(app, { auth: deps.auth, metricsToken: deps.metrics?.token ?? null });
  // First, so that its request counter sees every route registered after it.
  if (deps.metrics) registerMetricsRoutes(app, { metrics: deps.metrics.metrics });

  registerApiRoute(app, platformRoutes.health, async () => ({ ok: true, component: "manager" }));
  const liveSessions = new LiveSessions();
  registerAuthRoutes(app, {
    auth: deps.auth,
    loginRateLimits: deps.loginRateLimits,
    liveSessions,
  });
  registerOidcRoutes(app, { oidc: deps.oidc, isCookieSecure: deps.isCookieSecure });
  registerGuidelinesRoutes(app, { auth: deps.auth });
  registerUserRoutes(app, { auth: deps.auth, users: deps.users, liveSessions });
  registerAuditRoutes(app, { auditLog: deps.auditLog });
  registerMassMailRoutes(app, { massMail: deps.massMail });
  registerOperationsAdminRoutes(app, { operationsAdmin: deps.operationsAdmin });
  registerSiteRoutes(app, {
    sites: deps.sites,
    operations: deps.operations,
    urlTemplate: deps.urlTemplate,
    ...(deps.urlTemplatesByPurpose ? { urlTemplatesByPurpose: deps.urlTemplatesByPurpose } : {}),
  });
  registerMemberRoutes(app, { members: deps.members });
  registerSiteRequestRoutes(app, { requests: deps.siteRequests, operations: deps.operations });
  registerImageRoutes(app, { images: deps.images });
  registerSiteProcessRoutes(app, {
    sites: deps.sites,
    process: deps.siteProcess,
    logStreams: deps.logStreams,
  });
  registerOperationRoutes(app, { operations: deps.operations, sites: deps.siteMembership });
  registerReconcileRoutes(app, { reconcile: deps.reconcile });
  const live = new LiveHub({
    events: deps.operationEvents,
    operations: deps.operations,
    sites: deps.siteMembership,
    process: deps.siteProcess,
    log: deps.log,
    ...(deps.liveTimings?.pollMs === undefined ? {} : { pollMs: deps.liveTimings.pollMs }),
    ...(deps.liveTimings?.processPollMs === undefined ? {} : { processPollMs: deps.liveTimings.processPollMs }),
  });
  live.start();
  app.addHook("onClose", async () => live.stop());
  registerLiveRoutes(app, {
    auth: deps.auth,
    sites: deps.sites,
    hub: live,
    sessions: liveSessions,
    log: deps.log,
    ...(deps.liveTimings?.recheckMs === undefined ? {} : { recheckMs: deps.liveTimings.recheckMs }),
  });

  // File uploads are raw bytes whatever their content type, so this scope has one catch-all parser.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: deps.maxUploadBytes }, (_request, body, done) => {
      done(null, body);
    });
    registerFileRoutes(scope, { files: deps.files, maxUploadBytes: deps.maxUploadBytes });
  });
  await registerWebInterface(app, deps.webDistDir ?? null);
  return app;
}
