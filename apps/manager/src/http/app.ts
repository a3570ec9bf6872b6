import { platformRoutes } from "@director/contracts/manager-routes-accounts";
import { translateDatabaseError } from "@director/db/database-errors";
import type { Repositories } from "@director/db/unit-of-work";
import type { SiteId } from "@director/domain/site";
import { answerFrameworkError, installErrorHandling } from "@director/http-kit/error-handler";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { checkReadiness } from "@director/http-kit/readiness";
import { declaredRoutes } from "@director/http-kit/routes";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { RedisLivePlaces } from "../adapters/redis-live-places.js";
import type { ManagerConfig } from "../config.js";
import { registerAccountArchiveRoutes } from "../features/account-archive/account-archive.routes.js";
import { registerAuditRoutes } from "../features/audit/audit.routes.js";
import { registerAuthRoutes } from "../features/auth/auth.routes.js";
import { registerOidcRoutes } from "../features/auth/oidc.routes.js";
import { registerCourseRoutes } from "../features/courses/courses.routes.js";
import { registerDatabaseHostRoutes } from "../features/database-hosts/database-hosts.routes.js";
import { registerDocsRoutes } from "../features/docs/docs.routes.js";
import { DocsLibrary } from "../features/docs/docs-library.js";
import { registerDomainRoutes } from "../features/domains/domains.routes.js";
import { registerFileChangeRoute, registerFileRoutes } from "../features/files/files.routes.js";
import { registerGuidelinesRoutes } from "../features/guidelines/guidelines.routes.js";
import { managerReadinessChecks } from "../features/health/manager-readiness.js";
import { registerImageRoutes } from "../features/images/images.routes.js";
import { registerLiveRoutes } from "../features/live/live.routes.js";
import { LiveHub } from "../features/live/live-hub.js";
import { InProcessLivePlaces } from "../features/live/live-places.js";
import { LiveSessions } from "../features/live/live-sessions.js";
import { registerMassMailRoutes } from "../features/mail/mass-mail.routes.js";
import { registerMemberRoutes } from "../features/members/members.routes.js";
import { registerMetricsRoutes } from "../features/metrics/metrics.routes.js";
import { registerOperationRoutes } from "../features/operations/operations.routes.js";
import { registerOperationsAdminRoutes } from "../features/operations/operations-admin.routes.js";
import { registerReconcileRoutes } from "../features/reconcile/reconcile.routes.js";
import { registerShellRoutes } from "../features/shell/shell.routes.js";
import { registerShellChannelRoute } from "../features/shell/shell-channel.routes.js";
import { withSiteEnvironment } from "../features/site-databases/site-database-environment.js";
import { registerSiteDatabaseTransferRoutes } from "../features/site-databases/site-database-transfers.routes.js";
import { registerSiteDatabaseRoutes } from "../features/site-databases/site-databases.routes.js";
import { registerSiteRequestRoutes } from "../features/site-requests/site-requests.routes.js";
import { registerSiteVariableRoutes } from "../features/site-variables/site-variables.routes.js";
import { registerSiteProcessRoutes } from "../features/sites/site-process.routes.js";
import { registerSiteRoutes } from "../features/sites/sites.routes.js";
import { registerSshRoutes } from "../features/ssh/ssh.routes.js";
import { registerUsageRoutes } from "../features/usage/usage.routes.js";
import { registerUserRoutes } from "../features/users/users.routes.js";
import { registerFileEventRoutes } from "../features/workspace/file-events.routes.js";
import { registerTerminalRoutes, terminalConnectionLimits } from "../features/workspace/terminal.routes.js";
import type { ManagerAdapters } from "../manager-adapters.js";
import type { ManagerServices } from "../manager-services.js";
import { installCallerChecks, registerApiRoute } from "./api-routes.js";
import { installSessionCookie } from "./authenticate.js";
import { registerWebInterface } from "./web-interface.js";

/** What a test may change in the app; production takes every setting from the config. */
export interface ManagerAppOptions {
  /** how often the live channel reads watched sites again and re-checks access (defaults: 2 s, 10 s and 30 s) */
  liveTimings?: { pollMs?: number; processPollMs?: number; recheckMs?: number };
}

/**
 * The manager's HTTP app: JSON API under /api, the live channel at /ws, the web interface at `/`. Every route is one
 * of the route table's (contracts/manager-routes.ts); each feature registers its own from the manager's services.
 */
export async function buildManagerApp(
  manager: { config: ManagerConfig; adapters: ManagerAdapters; services: ManagerServices },
  options: ManagerAppOptions = {},
): Promise<FastifyInstance> {
  const { config, adapters, services } = manager;
  const log = adapters.log.child({ component: "manager" });
  const { trustedProxies, isCookieSecure } = config.http;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Only the configured proxies are believed: otherwise anyone could name any address in X-Forwarded-For and
    // step around the login limit per address.
    trustProxy: trustedProxies.length > 0 ? [...trustedProxies] : false,
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
    log.debug({ routes: declaredRoutes(app) }, "manager routes");
  });
  await app.register(cookie);
  installSessionCookie(app, isCookieSecure);
  // Per-route limits only (STACK.md: a global limit would count websocket upgrades too). Counted in the Redis every
  // manager shares when there is one, so that a limit hit through one manager holds on the others.
  const { redis } = adapters;
  await app.register(rateLimit, {
    global: false,
    ...(redis === null ? {} : { redis, nameSpace: `${config.redis.keyPrefix}rate-limit:` }),
  });
  // Before the routes (the plugin's rule). A watch list is small: a larger frame is refused.
  await app.register(websocket, { options: { maxPayload: 16 * 1024 } });
  // Before any route, after the websocket plugin (whose onRequest hook marks an upgrade, so that an upgrade refused
  // here still has its socket closed): every route declares its caller (contracts/manager-routes.ts), checked first.
  installCallerChecks(app, {
    auth: services.auth,
    metricsToken: services.metrics?.token ?? null,
    shellTokens: [config.shell.token, config.shell.previousToken].filter(
      (token): token is InternalToken => token !== undefined,
    ),
  });
  // First, so that its request counter sees every route registered after it.
  if (services.metrics) registerMetricsRoutes(app, { metrics: services.metrics.metrics });

  registerApiRoute(app, platformRoutes.health, async () => ({ ok: true, component: "manager" }));
  registerApiRoute(app, platformRoutes.healthz, async () => ({ ok: true, component: "manager" }));
  const readiness = managerReadinessChecks(adapters);
  registerApiRoute(app, platformRoutes.readyz, async ({ reply }) => {
    const answer = await checkReadiness("manager", readiness);
    if (!answer.ready) reply.code(503);
    return answer;
  });
  const { operations, sites: siteRows } = services.repositories;
  // a logout or a disabled account closes live connections on every manager (through Redis, when shared)
  const liveSessions = new LiveSessions(adapters.bus?.channel("session-endings"));
  registerAuthRoutes(app, {
    auth: services.auth,
    loginRateLimits: services.loginRateLimits,
    liveSessions,
    graduatesOpenUntil: config.graduation.openUntil,
  });
  registerOidcRoutes(app, { oidc: services.oidc, isCookieSecure });
  registerGuidelinesRoutes(app, { auth: services.auth });
  registerUserRoutes(app, {
    auth: services.auth,
    users: services.users,
    graduatingClass: services.graduatingClass,
    liveSessions,
  });
  registerAuditRoutes(app, { auditLog: services.auditLog });
  registerMassMailRoutes(app, { massMail: services.massMail });
  registerOperationsAdminRoutes(app, { operationsAdmin: services.operationsAdmin });
  registerSiteRoutes(app, {
    sites: services.sites,
    operations,
    urlTemplate: config.sites.urlTemplate,
    urlTemplatesByPurpose: config.sites.urlTemplatesByPurpose,
  });
  registerMemberRoutes(app, { members: services.members });
  registerDomainRoutes(app, {
    domains: services.domains,
    operations,
    presentation: { publicAddresses: config.domains.publicAddresses },
  });
  registerSiteRequestRoutes(app, { requests: services.siteRequests, operations });
  registerImageRoutes(app, { images: services.images });
  registerDatabaseHostRoutes(app, { databaseHosts: services.databaseHosts });
  registerUsageRoutes(app, { usage: services.usage, disk: services.siteDisk, overview: services.platformOverview });
  registerSiteDatabaseRoutes(app, {
    databases: services.siteDatabases,
    limits: services.siteDatabaseLimits,
    operations,
  });
  await registerSiteDatabaseTransferRoutes(app, { transfers: services.siteDatabaseTransfers });
  registerSiteVariableRoutes(app, { variables: services.siteVariables, operations });
  registerCourseRoutes(app, { courses: services.courses });
  registerAccountArchiveRoutes(app, { archive: services.accountArchive });
  registerSshRoutes(app, { sshKeys: services.sshKeys, shellServer: services.shellServer });
  const siteProcess = adapters.components.siteProcess;
  registerSiteProcessRoutes(app, { sites: services.sites, process: siteProcess, logStreams: config.logStreams });
  registerOperationRoutes(app, { operations, sites: siteRows });
  registerReconcileRoutes(app, { reconcile: services.reconcile });
  const { liveTimings = {} } = options;
  const live = new LiveHub({
    events: adapters.operationEvents,
    operations,
    sites: siteRows,
    process: siteProcess,
    usage: usageMarks(services.repositories),
    log,
    ...(liveTimings.pollMs === undefined ? {} : { pollMs: liveTimings.pollMs }),
    ...(liveTimings.processPollMs === undefined ? {} : { processPollMs: liveTimings.processPollMs }),
  });
  live.start();
  app.addHook("onClose", async () => live.stop());
  // With Redis, every manager counts an account's live connections together.
  const livePlaces =
    adapters.redis === null
      ? new InProcessLivePlaces()
      : new RedisLivePlaces(adapters.redis, { keyPrefix: config.redis.keyPrefix, log });
  app.addHook("onClose", async () => livePlaces.close());
  registerLiveRoutes(app, {
    auth: services.auth,
    sites: services.sites,
    hub: live,
    sessions: liveSessions,
    places: livePlaces,
    log,
    ...(liveTimings.recheckMs === undefined ? {} : { recheckMs: liveTimings.recheckMs }),
  });

  const terminalConnections = terminalConnectionLimits(config.terminals);
  const terminalDeps = {
    auth: services.auth,
    sites: services.sites,
    // Terminals and SSH sessions get the variables the site's process has.
    shells: withSiteEnvironment(adapters.components.terminalShells, services.siteEnvironment),
    sessions: liveSessions,
    accessChanges: services.accessChanges,
    limits: config.terminals,
    connections: terminalConnections,
    log,
    ...(liveTimings.recheckMs === undefined ? {} : { recheckMs: liveTimings.recheckMs }),
  };
  registerTerminalRoutes(app, terminalDeps);
  registerShellRoutes(app, {
    logins: services.shellLogins,
    auth: services.auth,
    sites: services.sites,
    hostKeys: services.shellServer,
    sessions: liveSessions,
    webHost: config.domains.publicHost,
  });
  registerShellChannelRoute(app, { ...terminalDeps, webHost: config.domains.publicHost });

  registerFileEventRoutes(app, {
    auth: services.auth,
    sites: services.sites,
    sessions: liveSessions,
    folders: adapters.components.folderEvents,
    accessChanges: services.accessChanges,
    limits: config.fileEvents,
  });

  // File uploads are raw bytes whatever their content type, so this scope has one catch-all parser.
  const { maxUploadBytes } = config.files;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxUploadBytes }, (_request, body, done) => {
      done(null, body);
    });
    registerFileRoutes(scope, { files: services.files, maxUploadBytes });
  });
  registerFileChangeRoute(app, { files: services.files });
  registerDocsRoutes(app, await DocsLibrary.load(config.web.docsDir));
  await registerWebInterface(app, config.web.distDir ?? null);
  return app;
}

/**
 * What the live channel compares to tell a site's page its graphs changed: its latest counted traffic minute and its
 * process's latest sampled minute (two indexed rows).
 */
function usageMarks(repositories: Pick<Repositories, "siteTraffic" | "siteResources">) {
  return {
    latestMark: async (siteId: SiteId): Promise<string | null> => {
      const traffic = await repositories.siteTraffic.latestMark(siteId);
      const resources = await repositories.siteResources.latestMark(siteId);
      return traffic === null && resources === null ? null : `${traffic ?? ""} ${resources ?? ""}`;
    },
  };
}
