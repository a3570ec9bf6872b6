/**
 * For integration tests of the manager: the manager built by createManager as production builds it, on a real
 * PostgreSQL database, with fakes only for what these tests never reach (the orchestrator and router unless a test
 * gives its own), and helpers to add logged-in accounts and call the API as them.
 */

import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pino from "pino";
import type { Components } from "../adapters/components.js";
import type { OperationQueue } from "../adapters/rabbitmq-operation-queue.js";
import type { RedisBus } from "../adapters/redis-bus.js";
import { connectRedis } from "../adapters/redis-client.js";
import { LogMailer } from "../adapters/smtp-mailer.js";
import { InProcessWakeup, type Wakeup } from "../adapters/wakeup.js";
import { type ManagerConfig, managerConfigSchema } from "../config.js";
import { currentGuidelines } from "../features/guidelines/current-guidelines.js";
import { InProcessOperationEvents, type OperationEvents } from "../features/live/operation-events.js";
import type { Mailer } from "../features/mail/mailer.js";
import type { ManagerAppOptions } from "../http/app.js";
import { createManager, type Manager } from "../manager.js";
import type { ManagerServices } from "../manager-services.js";

export const testPassword = "a password long enough";

/** A manager config for tests; `overrides` replace whole sections. */
export function testManagerConfig(overrides: Partial<Record<keyof ManagerConfig, unknown>> = {}): ManagerConfig {
  return managerConfigSchema.parse({
    http: {},
    databaseUrl: "unused",
    sites: {},
    files: {},
    domains: {},
    sessions: {},
    orchestrator: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
    router: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
    worker: {},
    // No web interface unless a test asks for one: a page at `/` says it is not built.
    web: { distDir: "/nonexistent/manager-web/dist" },
    ...overrides,
  });
}

async function unreachable(): Promise<never> {
  throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
}

/** The orchestrator and router of a test: each call fails (COMPONENT_UNREACHABLE) unless the test gives its own. */
function testComponents(given: Partial<Components> & { reconcileHost?: ReconcileHost }): Components {
  const host: Components["host"] = {
    ensureDirectories: unreachable,
    removeDirectories: unreachable,
    upsertBalancer: unreachable,
    removeBalancer: unreachable,
    upsertRoute: unreachable,
    removeRoute: unreachable,
    removeLegacyRoute: unreachable,
    upsertService: unreachable,
    removeService: unreachable,
    removeImages: unreachable,
    restartService: unreachable,
    buildSiteImage: unreachable,
    writeRunScript: unreachable,
    copySiteFiles: unreachable,
    setRedirects: unreachable,
    issueCertificate: unreachable,
    removeCertificate: unreachable,
  };
  const removals = given.reconcileHost;
  if (removals) {
    // Bound one by one: a test's fake is often a class, whose methods a spread would not copy.
    host.removeService = (id) => removals.removeService(id);
    host.removeBalancer = (id) => removals.removeBalancer(id);
    host.removeRoute = (id) => removals.removeRoute(id);
    host.removeImages = (id) => removals.removeImages(id);
    host.removeLegacyRoute = (name) => removals.removeLegacyRoute(name);
  }
  return {
    host: given.host ?? host,
    inventory: given.inventory ??
      given.reconcileHost ?? {
        orchestratorInventory: unreachable,
        routerInventory: unreachable,
        certificateInventory: unreachable,
      },
    fileStore: given.fileStore ?? {
      read: unreachable,
      write: unreachable,
      remove: unreachable,
      change: unreachable,
      zip: unreachable,
    },
    siteProcess: given.siteProcess ?? { serviceStatus: unreachable, logs: unreachable, followLogs: unreachable },
    terminalShells: given.terminalShells ?? { open: unreachable },
    folderEvents: given.folderEvents ?? { watch: unreachable },
    databaseHostChecker: given.databaseHostChecker ?? { check: unreachable },
    siteDatabaseHosting: given.siteDatabaseHosting ?? {
      ensure: unreachable,
      setPassword: unreachable,
      remove: unreachable,
      size: unreachable,
      sizes: unreachable,
      setWritesAllowed: unreachable,
      inventory: unreachable,
      runStatement: unreachable,
    },
    siteDatabaseDumps: given.siteDatabaseDumps ?? { export: unreachable, import: unreachable },
    sitesArchiver: { archive: unreachable },
    trafficLog: given.trafficLog ?? { read: unreachable },
    resourceSampler: given.resourceSampler ?? { sample: unreachable },
    siteDisks: given.siteDisks ?? { measure: unreachable, setQuota: unreachable },
  };
}

/** What reconcile reads and removes, as the reconcile tests fake it. */
type ReconcileHost = Components["inventory"] &
  Pick<Components["host"], "removeService" | "removeBalancer" | "removeRoute" | "removeImages" | "removeLegacyRoute">;

/** What a test may give the manager instead of the defaults. */
export interface TestManagerOptions extends ManagerAppOptions {
  config?: ManagerConfig;
  mailer?: Mailer;
  /** told when mail is enqueued; default: a fresh in-process one no dispatcher listens to */
  mailWakeup?: Wakeup;
  /** the guidelines people accept; default: the built-in text */
  guidelinesText?: string;
  fileStore?: Components["fileStore"];
  /** the orchestrator and router as the worker calls them; default: every call unreachable */
  host?: Components["host"];
  siteProcess?: Components["siteProcess"];
  reconcileHost?: ReconcileHost;
  /** the orchestrator's check of a database host; default: unreachable */
  databaseHostChecker?: Components["databaseHostChecker"];
  /** the orchestrator's site database calls; default: unreachable */
  siteDatabaseHosting?: Components["siteDatabaseHosting"];
  siteDatabaseDumps?: Components["siteDatabaseDumps"];
  trafficLog?: Components["trafficLog"];
  resourceSampler?: Components["resourceSampler"];
  siteDisks?: Components["siteDisks"];
  /** what the live channel hears from the worker; default: a fresh in-process one */
  operationEvents?: OperationEvents;
  /** messages to other managers (a RedisBus the test owns); default: none */
  bus?: RedisBus;
  /** the broker's queue of operations (one the test owns); default: none, workers poll */
  operationQueue?: OperationQueue;
}

/** The manager and its app on `database`; the caller closes the app. */
export async function buildTestManagerApp(
  database: ServerTestDatabase,
  options: TestManagerOptions = {},
): Promise<{ app: FastifyInstance; services: ManagerServices; manager: Manager }> {
  const config = options.config ?? testManagerConfig();
  const log = pino({ level: "silent" });
  const manager = createManager(config, {
    db: database.db,
    log,
    components: testComponents(options),
    wakeup: new InProcessWakeup(),
    mailWakeup: options.mailWakeup ?? new InProcessWakeup(),
    domainWakeup: new InProcessWakeup(),
    mailer: options.mailer ?? new LogMailer(log),
    guidelines: currentGuidelines(options.guidelinesText),
    operationEvents: options.operationEvents ?? new InProcessOperationEvents(),
    redis: config.redis.url === undefined ? null : connectRedis(config.redis.url, log),
    bus: options.bus ?? null,
    operationQueue: options.operationQueue ?? null,
  });
  // as the manager does when it starts serving the API (main.ts)
  await manager.services.auth.recordGuidelinesVersionOfEarlierAcceptances();
  const app = await manager.buildApp(options.liveTimings ? { liveTimings: options.liveTimings } : {});
  const { redis } = manager.adapters;
  if (redis !== null) {
    app.addHook("onClose", async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  return { app, services: manager.services, manager };
}

/** A started test manager with helpers to call it as people. */
export interface ManagerTestApp {
  database: ServerTestDatabase;
  app: FastifyInstance;
  services: ManagerServices;
  /** creates an account and logs it in; returns it as an Actor */
  addUser(
    username: string,
    options?: { isSuperuser?: boolean; role?: "student" | "teacher" | "service"; email?: string },
  ): Promise<Actor>;
  /** an API call as `who` (a username added with addUser), or unauthenticated with null */
  call(
    who: string | null,
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The config these tests mostly use: activity sites get their own URL pattern, to see it applied. */
export const apiTestConfig = testManagerConfig({
  sites: { urlTemplatesByPurpose: { activity: "https://activities.school.test/{name}/" } },
});

/** Starts the app on a new database (apiTestConfig unless told otherwise). */
export async function startManagerTestApp(options: TestManagerOptions = {}): Promise<ManagerTestApp> {
  const database = await createServerTestDatabase();
  const { app, services } = await buildTestManagerApp(database, { config: apiTestConfig, ...options });
  const tokens = new Map<string, string>();
  return {
    database,
    app,
    services,
    async addUser(username, userOptions = {}) {
      const user = await services.auth.createUser({
        username,
        password: testPassword,
        isSuperuser: userOptions.isSuperuser ?? false,
        email: userOptions.email ?? `${username}@school.test`,
        ...(userOptions.role ? { role: userOptions.role } : {}),
      });
      tokens.set(username, (await services.auth.login(username, testPassword)).token);
      return { id: user.id, username: user.username, isSuperuser: user.isSuperuser, role: user.role };
    },
    call(who, method, url, payload) {
      const token = who === null ? undefined : tokens.get(who);
      return app.inject({
        method,
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(payload === undefined ? {} : { payload }),
      });
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
