/**
 * The manager's composition root: config → adapters → services → HTTP app and worker. Nothing else wires.
 * One process can serve the API, run the worker, or both (`director up` runs both, next to the other components).
 */
import { randomUUID } from "node:crypto";
import { AuditRepository } from "@director/db/audit.repository";
import { ImagesRepository } from "@director/db/images.repository";
import { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import { OperationsRepository } from "@director/db/operations.repository";
import { PlatformStatsRepository } from "@director/db/platform-stats.repository";
import type { DB } from "@director/db/schema";
import { SessionsRepository } from "@director/db/sessions.repository";
import { SiteRequestsRepository } from "@director/db/site-requests.repository";
import { SitesRepository } from "@director/db/sites.repository";
import { UsersRepository } from "@director/db/users.repository";
import { parseInternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { OpenIdIdentityProvider } from "./adapters/openid-identity-provider.js";
import { OrchestratorClient } from "./adapters/orchestrator-client.js";
import { RouterClient } from "./adapters/router-client.js";
import { LogMailer, SmtpMailer } from "./adapters/smtp-mailer.js";
import { InProcessWakeup, type Wakeup } from "./adapters/wakeup.js";
import type { ManagerConfig } from "./config.js";
import { AuditLogService } from "./features/audit/audit-log.service.js";
import { AuthService } from "./features/auth/auth.service.js";
import type { OidcRoutesDeps } from "./features/auth/oidc.routes.js";
import { OidcLoginService } from "./features/auth/oidc-login.service.js";
import { OidcStateCookie } from "./features/auth/oidc-state-cookie.js";
import { Argon2PasswordHasher } from "./features/auth/password-hasher.js";
import { FilesService } from "./features/files/files.service.js";
import type { SiteFileStore } from "./features/files/site-file-store.js";
import { type CurrentGuidelines, currentGuidelines, loadGuidelines } from "./features/guidelines/current-guidelines.js";
import { ImagesService } from "./features/images/images.service.js";
import { InProcessOperationEvents } from "./features/live/operation-events.js";
import { publishingOperationStore } from "./features/live/publishing-operation-store.js";
import { defaultMailDispatcherOptions, MailDispatcher } from "./features/mail/mail-dispatcher.js";
import type { Mailer } from "./features/mail/mailer.js";
import { MassMailService } from "./features/mail/mass-mail.service.js";
import { MembersService } from "./features/members/members.service.js";
import { ManagerMetrics } from "./features/metrics/manager-metrics.js";
import type { StepContextFactory } from "./features/operations/operation-worker.js";
import { OperationWorker } from "./features/operations/operation-worker.js";
import { OperationsAdminService } from "./features/operations/operations-admin.service.js";
import type { SiteHost } from "./features/operations/site-host.js";
import { siteSpecs } from "./features/operations/site-specs.js";
import { InMemoryAccountRateLimit } from "./features/rate-limits/account-rate-limit.js";
import { ReconcileService } from "./features/reconcile/reconcile.service.js";
import { SiteRequestsService } from "./features/site-requests/site-requests.service.js";
import { SitesService } from "./features/sites/sites.service.js";
import { UsersService } from "./features/users/users.service.js";
import { buildManagerApp } from "./http/app.js";

export interface ManagerRoles {
  /** serve the JSON API */
  api: boolean;
  /** run operations */
  worker: boolean;
}

export interface ManagerHandle {
  /** the API's base URL, when the API role runs */
  url: string | null;
  auth: AuthService;
  close(): Promise<void>;
}

/**
 * The manager's services on an open database; `fileStore` is where site files live (the orchestrator), `mailer`
 * sends the mass email (SMTP, or the log when none is configured), `mailWakeup` tells the mail dispatcher that the
 * outbox has new messages, `guidelines` are what people accept before anything else (default: the built-in text).
 */
export function createManagerServices(
  config: Pick<ManagerConfig, "sessions" | "accountLimits" | "sites" | "files" | "oidc" | "metrics">,
  deps: {
    db: Kysely<DB>;
    wakeup: Wakeup;
    fileStore: SiteFileStore;
    mailer: Mailer;
    mailWakeup: Wakeup;
    guidelines?: CurrentGuidelines;
  },
) {
  const { db, wakeup } = deps;
  const reservedNames = { names: config.sites.reservedNames, patterns: config.sites.reservedPatterns };
  const repositories = {
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    sites: new SitesRepository(db),
    images: new ImagesRepository(db),
    operations: new OperationsRepository(db),
    audit: new AuditRepository(db),
    siteRequests: new SiteRequestsRepository(db),
    mailOutbox: new MailOutboxRepository(db),
  };
  const auth = new AuthService({
    users: repositories.users,
    sessions: repositories.sessions,
    audit: repositories.audit,
    hasher: new Argon2PasswordHasher(),
    sessionTtlMs: config.sessions.ttlMs,
    guidelines: deps.guidelines ?? currentGuidelines(),
  });
  const images = new ImagesService({ images: repositories.images, audit: repositories.audit });
  const sites = new SitesService({
    sites: repositories.sites,
    operations: repositories.operations,
    audit: repositories.audit,
    images,
    wakeup,
    reservedNames,
    inTransaction: (work) =>
      db.transaction().execute((trx) =>
        work({
          sites: new SitesRepository(trx),
          operations: new OperationsRepository(trx),
          audit: new AuditRepository(trx),
        }),
      ),
  });
  const files = new FilesService({
    sites,
    files: deps.fileStore,
    audit: repositories.audit,
    maxUploadBytes: config.files.maxUploadBytes,
  });
  const { windowMs } = config.accountLimits;
  const members = new MembersService({
    sites,
    members: repositories.sites,
    invitations: new InMemoryAccountRateLimit({
      limit: "invitations",
      what: "invitations",
      rule: { max: config.accountLimits.inviteMaxPerAccount, windowMs },
    }),
    inTransaction: (work) =>
      db
        .transaction()
        .execute((trx) =>
          work({ sites: new SitesRepository(trx), users: new UsersRepository(trx), audit: new AuditRepository(trx) }),
        ),
  });
  const siteRequests = new SiteRequestsService({
    requests: repositories.siteRequests,
    users: repositories.users,
    sites: repositories.sites,
    requestLimit: new InMemoryAccountRateLimit({
      limit: "site_requests",
      what: "site requests",
      rule: { max: config.accountLimits.siteRequestMaxPerAccount, windowMs },
    }),
    mailWakeup: deps.mailWakeup,
    wakeup,
    reservedNames,
    inTransaction: (work) =>
      db.transaction().execute((trx) =>
        work({
          requests: new SiteRequestsRepository(trx),
          sites: new SitesRepository(trx),
          operations: new OperationsRepository(trx),
          audit: new AuditRepository(trx),
          outbox: new MailOutboxRepository(trx),
        }),
      ),
  });
  const users = new UsersService({
    users: repositories.users,
    sessions: repositories.sessions,
    audit: repositories.audit,
  });
  const auditLog = new AuditLogService({ audit: repositories.audit });
  const massMail = new MassMailService({ users: repositories.users, mailer: deps.mailer, audit: repositories.audit });
  const operationsAdmin = new OperationsAdminService({
    operations: repositories.operations,
    audit: repositories.audit,
    wakeup,
  });
  const oidc: OidcRoutesDeps | null = config.oidc
    ? {
        login: new OidcLoginService({
          provider: new OpenIdIdentityProvider(config.oidc),
          claims: config.oidc.claims,
          users: repositories.users,
          auth,
          audit: repositories.audit,
        }),
        stateCookie: new OidcStateCookie(config.oidc.clientSecret),
        redirectUrl: config.oidc.redirectUrl,
      }
    : null;
  const metrics = config.metrics.token
    ? { metrics: new ManagerMetrics(new PlatformStatsRepository(db)), token: config.metrics.token }
    : null;
  const loginRateLimits = {
    maxPerIp: config.sessions.loginMaxPerIp,
    maxPerUsername: config.sessions.loginMaxPerUsername,
    windowMs: config.sessions.loginWindowMs,
  };
  return {
    repositories,
    auth,
    sites,
    files,
    images,
    members,
    siteRequests,
    users,
    auditLog,
    massMail,
    operationsAdmin,
    oidc,
    metrics,
    loginRateLimits,
  };
}

/** Builds the services on an open database and starts the chosen roles. The caller owns `db` and closes it. */
export async function startManager(
  config: ManagerConfig,
  deps: { db: Kysely<DB>; log: Logger; wakeup: Wakeup; roles: ManagerRoles },
): Promise<ManagerHandle> {
  const { db, log, wakeup } = deps;

  const orchestrator = new OrchestratorClient(
    new InternalClient({
      component: "orchestrator",
      baseUrl: config.orchestrator.url,
      token: parseInternalToken(config.orchestrator.token),
    }),
  );
  const router = new RouterClient(
    new InternalClient({
      component: "router",
      baseUrl: config.router.url,
      token: parseInternalToken(config.router.token),
    }),
  );
  const host: SiteHost = {
    ensureDirectories: (id) => orchestrator.ensureDirectories(id),
    removeDirectories: (id) => orchestrator.removeDirectories(id),
    upsertBalancer: (spec) => orchestrator.upsertBalancer(spec),
    removeBalancer: (id) => orchestrator.removeBalancer(id),
    upsertRoute: (id, spec) => router.upsertRoute(id, spec),
    removeRoute: (id) => router.removeRoute(id),
    upsertService: (request) => orchestrator.upsertService(request),
    removeService: (id) => orchestrator.removeService(id),
    removeImages: (id) => orchestrator.removeImages(id),
    restartService: (id) => orchestrator.restartService(id),
    buildSiteImage: (request) => orchestrator.buildSiteImage(request),
    writeRunScript: (id, script) => orchestrator.writeRunScript(id, script),
  };

  // Without an SMTP server (`director up` on one machine) mail goes to the log, so the flows that send it still work.
  const mailer = config.mail.smtpUrl
    ? new SmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from })
    : new LogMailer(log.child({ component: "mail" }));
  // In-process only: a dispatcher in another process (the worker component) finds new mail by polling.
  const mailWakeup = new InProcessWakeup();
  const services = createManagerServices(config, {
    db,
    wakeup,
    fileStore: orchestrator,
    mailer,
    mailWakeup,
    guidelines: await loadGuidelines(config.guidelines.filePath),
  });
  const specs = siteSpecs(config.sites);
  const { auth, files, sites: sitesService, images: imagesService } = services;

  // Before anything starts, so that a failure leaves nothing running. Only where the API runs: a worker may run
  // without DIRECTOR_GUIDELINES_FILE (it never shows the text) and would record the built-in text's version.
  if (deps.roles.api) {
    const adopted = await auth.recordGuidelinesVersionOfEarlierAcceptances();
    if (adopted > 0) {
      log.info(
        { accounts: adopted, version: auth.guidelines.version },
        "guidelines version recorded for earlier acceptances",
      );
    }
  }
  const { sites, operations } = services.repositories;

  // The worker tells the live channel what it changed. In-process: pages on a manager that runs no worker role
  // still get every change, from the live channel's own reading of the database (LiveHub).
  const operationEvents = new InProcessOperationEvents();
  const closers: Array<() => Promise<void>> = [];

  if (deps.roles.worker) {
    const contextFor: StepContextFactory = async (operation) => ({
      site: operation.siteId === null ? null : await sites.findById(operation.siteId),
      siteName: operation.siteName,
      host,
      sites: {
        markReady: (site) => sites.markReady(site.id),
        forget: (site) => sites.delete(site.id),
        setImage: (site, image) => sites.updateImage(site.id, image),
      },
      images: services.repositories.images,
      input: operation.input,
      ...specs,
    });
    const worker = new OperationWorker({
      store: publishingOperationStore(operations, operationEvents),
      contextFor,
      wakeup,
      log: log.child({ component: "worker" }),
      options: { owner: `worker-${process.pid}-${randomUUID().slice(0, 8)}`, ...config.worker },
    });
    worker.start();
    closers.push(() => worker.stop());

    // The mail outbox's sender runs with the operations: the worker role is the one meant to run in the background.
    const mailDispatcher = new MailDispatcher({
      outbox: services.repositories.mailOutbox,
      mailer,
      wakeup: mailWakeup,
      log: log.child({ component: "mail-dispatcher" }),
      options: defaultMailDispatcherOptions,
    });
    mailDispatcher.start();
    closers.push(() => mailDispatcher.stop());
  }
  // after the dispatcher stopped: its last send may still use the transport
  if (mailer instanceof SmtpMailer) closers.push(async () => mailer.close());

  let url: string | null = null;
  if (deps.roles.api) {
    const app = await buildManagerApp({
      log: log.child({ component: "manager" }),
      auth,
      sites: sitesService,
      images: imagesService,
      members: services.members,
      siteRequests: services.siteRequests,
      files,
      operations,
      siteMembership: sites,
      operationEvents,
      siteProcess: orchestrator,
      logStreams: config.logStreams,
      reconcile: new ReconcileService({
        sites,
        operations,
        audit: services.repositories.audit,
        inventory: {
          orchestratorInventory: (id) => orchestrator.orchestratorInventory(id),
          routerInventory: () => router.routerInventory(),
        },
        host: { ...host, removeLegacyRoute: (name) => router.removeLegacyRoute(name) },
        specs,
        wakeup,
      }),
      urlTemplate: config.sites.urlTemplate,
      urlTemplatesByPurpose: config.sites.urlTemplatesByPurpose,
      maxUploadBytes: config.files.maxUploadBytes,
      isCookieSecure: config.http.isCookieSecure,
      trustedProxies: config.http.trustedProxies,
      users: services.users,
      auditLog: services.auditLog,
      massMail: services.massMail,
      operationsAdmin: services.operationsAdmin,
      loginRateLimits: services.loginRateLimits,
      oidc: services.oidc,
      metrics: services.metrics,
      webDistDir: config.web.distDir,
    });
    url = await app.listen({ host: config.http.host, port: config.http.port });
    closers.unshift(() => app.close());
  }

  return {
    url,
    auth,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
