/**
 * For integration tests: the manager's services and HTTP app as production wires them, on a fresh real PostgreSQL
 * database, with the orchestrator and router out of reach (these tests never need them: a call fails loudly).
 */
import { DirectorError } from "@director/domain/errors";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pino from "pino";
import { LogMailer } from "../adapters/smtp-mailer.js";
import { managerConfigSchema } from "../config.js";
import type { Mailer } from "../features/email/mailer.js";
import { InProcessOperationWakeup } from "../features/operations/operation-wakeup.js";
import { siteSpecs } from "../features/operations/site-specs.js";
import { ReconcileService } from "../features/reconcile/reconcile.service.js";
import type { Actor } from "../features/sites/sites.policy.js";
import { createManagerServices } from "../main.js";
import { buildManagerApp } from "./app.js";

export const testPassword = "a password long enough";

export const testManagerConfig = managerConfigSchema.parse({
  http: {},
  databaseUrl: "unused",
  sites: { urlTemplatesByPurpose: { activity: "https://activities.school.test/{name}/" } },
  files: {},
  sessions: {},
  orchestrator: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
  router: { url: "http://127.0.0.1:1", token: "x".repeat(32) },
  worker: {},
});

async function unreachable(): Promise<never> {
  throw new DirectorError("COMPONENT_UNREACHABLE", "not part of this test");
}

export interface ManagerTestApp {
  database: ServerTestDatabase;
  app: FastifyInstance;
  services: ReturnType<typeof createManagerServices>;
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

/** Starts the app on a new database; `mailer` defaults to the log mailer on a silent log. */
export async function startManagerTestApp(options: { mailer?: Mailer } = {}): Promise<ManagerTestApp> {
  const database = await createServerTestDatabase();
  const log = pino({ level: "silent" });
  const wakeup = new InProcessOperationWakeup();
  const services = createManagerServices(testManagerConfig, {
    db: database.db,
    wakeup,
    mailer: options.mailer ?? new LogMailer(log),
    log,
    fileStore: { read: unreachable, write: unreachable, remove: unreachable },
  });
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
    siteProcess: { serviceStatus: unreachable, logs: unreachable, followLogs: unreachable },
    reconcile: new ReconcileService({
      sites: services.repositories.sites,
      operations: services.repositories.operations,
      audit: services.repositories.audit,
      inventory: { orchestratorInventory: unreachable, routerInventory: unreachable },
      host: { removeService: unreachable, removeBalancer: unreachable, removeRoute: unreachable },
      specs: siteSpecs(testManagerConfig.sites),
      wakeup,
    }),
    urlTemplate: testManagerConfig.sites.urlTemplate,
    urlTemplatesByPurpose: testManagerConfig.sites.urlTemplatesByPurpose,
    maxUploadBytes: testManagerConfig.files.maxUploadBytes,
    isCookieSecure: false,
  });
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
