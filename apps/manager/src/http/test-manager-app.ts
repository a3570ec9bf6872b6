/**
 * For integration tests of the manager's HTTP edge: the services and app as production wires them, on a real
 * database, with fakes only for the orchestrator and router (never reached by the routes these tests call).
 */
import { DirectorError } from "@director/domain/errors";
import type { ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { LogMailer } from "../adapters/smtp-mailer.js";
import { InProcessWakeup, type Wakeup } from "../adapters/wakeup.js";
import { type ManagerConfig, managerConfigSchema } from "../config.js";
import type { SiteFileStore } from "../features/files/site-file-store.js";
import { currentGuidelines } from "../features/guidelines/current-guidelines.js";
import { InProcessOperationEvents, type OperationEvents } from "../features/live/operation-events.js";
import type { Mailer } from "../features/mail/mailer.js";
import { siteSpecs } from "../features/operations/site-specs.js";
import type { HostInventory, LeftoverRemoval } from "../features/reconcile/host-inventory.js";
import { ReconcileService } from "../features/reconcile/reconcile.service.js";
import type { SiteProcessReader } from "../features/sites/site-process.routes.js";
import { createManagerServices } from "../main.js";
import { buildManagerApp } from "./app.js";

/** A manager config for tests; `overrides` replace whole sections. */
export function testManagerConfig(overrides: Partial<Record<keyof ManagerConfig, unknown>> = {}): ManagerConfig {
  return managerConfigSchema.parse({
    http: {},
    databaseUrl: "unused",
    sites: {},
    files: {},
    sessions: {},
    orchestrator: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
    router: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
    worker: {},
    ...overrides,
  });
}

async function unreachable(): Promise<never> {
  throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
}

/** Builds the services and the app on `database`; the caller closes the app. */
export async function buildTestManagerApp(
  database: ServerTestDatabase,
  options: {
    config?: ManagerConfig;
    mailer?: Mailer;
    /** told when mail is enqueued; default: a fresh in-process one no dispatcher listens to */
    mailWakeup?: Wakeup;
    /** the guidelines people accept; default: the built-in text */
    guidelinesText?: string;
    /** where site files go; default: every call fails (COMPONENT_UNREACHABLE) */
    fileStore?: SiteFileStore;
    /** the orchestrator's process view; default: every call fails */
    siteProcess?: SiteProcessReader;
    /** what reconcile reads and removes; default: every call fails */
    reconcileHost?: HostInventory & LeftoverRemoval;
    /** what the live channel hears from the worker; default: a fresh in-process one */
    operationEvents?: OperationEvents;
    liveTimings?: { pollMs?: number; processPollMs?: number; recheckMs?: number };
    /** the built web interface to serve; default none (a page says it is not built) */
    webDistDir?: string;
  } = {},
): Promise<{ app: FastifyInstance; services: ReturnType<typeof createManagerServices> }> {
  const config = options.config ?? testManagerConfig();
  const wakeup = new InProcessWakeup();
  const log = pino({ level: "silent" });
  const services = createManagerServices(config, {
    db: database.db,
    wakeup,
    fileStore: options.fileStore ?? { read: unreachable, write: unreachable, remove: unreachable },
    mailer: options.mailer ?? new LogMailer(log),
    mailWakeup: options.mailWakeup ?? new InProcessWakeup(),
    guidelines: currentGuidelines(options.guidelinesText),
  });
  // as the manager does when it starts serving the API (main.ts)
  await services.auth.recordGuidelinesVersionOfEarlierAcceptances();
  const app = await buildManagerApp({
    log,
    auth: services.auth,
    sites: services.sites,
    images: services.images,
    members: services.members,
    siteRequests: services.siteRequests,
    files: services.files,
    operations: services.repositories.operations,
    siteMembership: services.repositories.sites,
    operationEvents: options.operationEvents ?? new InProcessOperationEvents(),
    ...(options.liveTimings ? { liveTimings: options.liveTimings } : {}),
    siteProcess: options.siteProcess ?? { serviceStatus: unreachable, logs: unreachable, followLogs: unreachable },
    logStreams: config.logStreams,
    reconcile: new ReconcileService({
      sites: services.repositories.sites,
      operations: services.repositories.operations,
      audit: services.repositories.audit,
      inventory: options.reconcileHost ?? { orchestratorInventory: unreachable, routerInventory: unreachable },
      host: options.reconcileHost ?? {
        removeService: unreachable,
        removeBalancer: unreachable,
        removeRoute: unreachable,
        removeLegacyRoute: unreachable,
        removeImages: unreachable,
      },
      specs: siteSpecs(config.sites),
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
    ...(options.webDistDir === undefined ? {} : { webDistDir: options.webDistDir }),
  });
  return { app, services };
}
