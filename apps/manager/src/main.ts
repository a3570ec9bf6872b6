/**
 * The manager's composition root: config → adapters → services → HTTP app and worker. Nothing else wires.
 * One process can serve the API, run the worker, or both (`director up` runs both, next to the other components).
 */
import { randomUUID } from "node:crypto";
import { AuditRepository } from "@director/db/audit.repository";
import { ImagesRepository } from "@director/db/images.repository";
import { OperationsRepository } from "@director/db/operations.repository";
import type { DB } from "@director/db/schema";
import { SessionsRepository } from "@director/db/sessions.repository";
import { SitesRepository } from "@director/db/sites.repository";
import { UsersRepository } from "@director/db/users.repository";
import { parseInternalToken } from "@director/http-kit/internal-auth";
import { InternalClient } from "@director/http-kit/internal-client";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { OrchestratorClient } from "./adapters/orchestrator-client.js";
import { RouterClient } from "./adapters/router-client.js";
import type { ManagerConfig } from "./config.js";
import { AuthService } from "./features/auth/auth.service.js";
import { Argon2PasswordHasher } from "./features/auth/password-hasher.js";
import { FilesService } from "./features/files/files.service.js";
import type { SiteFileStore } from "./features/files/site-file-store.js";
import { ImagesService } from "./features/images/images.service.js";
import type { OperationWakeup } from "./features/operations/operation-wakeup.js";
import type { StepContextFactory } from "./features/operations/operation-worker.js";
import { OperationWorker } from "./features/operations/operation-worker.js";
import type { SiteHost } from "./features/operations/site-host.js";
import { siteSpecs } from "./features/operations/site-specs.js";
import { ReconcileService } from "./features/reconcile/reconcile.service.js";
import { SitesService } from "./features/sites/sites.service.js";
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

/** The manager's services on an open database; `fileStore` is where site files live (the orchestrator). */
export function createManagerServices(
  config: Pick<ManagerConfig, "sessions" | "sites" | "files">,
  deps: { db: Kysely<DB>; wakeup: OperationWakeup; fileStore: SiteFileStore },
) {
  const { db, wakeup } = deps;
  const repositories = {
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    sites: new SitesRepository(db),
    images: new ImagesRepository(db),
    operations: new OperationsRepository(db),
    audit: new AuditRepository(db),
  };
  const auth = new AuthService({
    users: repositories.users,
    sessions: repositories.sessions,
    audit: repositories.audit,
    hasher: new Argon2PasswordHasher(),
    sessionTtlMs: config.sessions.ttlMs,
  });
  const images = new ImagesService({ images: repositories.images, audit: repositories.audit });
  const sites = new SitesService({
    sites: repositories.sites,
    operations: repositories.operations,
    audit: repositories.audit,
    images,
    wakeup,
    reservedNames: { names: config.sites.reservedNames, patterns: config.sites.reservedPatterns },
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
  return { repositories, auth, sites, files, images };
}

/** Builds the services on an open database and starts the chosen roles. The caller owns `db` and closes it. */
export async function startManager(
  config: ManagerConfig,
  deps: { db: Kysely<DB>; log: Logger; wakeup: OperationWakeup; roles: ManagerRoles },
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
    upsertRoute: (name, spec) => router.upsertRoute(name, spec),
    removeRoute: (name) => router.removeRoute(name),
    upsertService: (request) => orchestrator.upsertService(request),
    removeService: (id) => orchestrator.removeService(id),
    restartService: (id) => orchestrator.restartService(id),
    buildSiteImage: (request) => orchestrator.buildSiteImage(request),
  };

  const services = createManagerServices(config, { db, wakeup, fileStore: orchestrator });
  const specs = siteSpecs(config.sites);
  const { auth, files, sites: sitesService, images: imagesService } = services;
  const { sites, operations } = services.repositories;

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
      store: operations,
      contextFor,
      wakeup,
      log: log.child({ component: "worker" }),
      options: { owner: `worker-${process.pid}-${randomUUID().slice(0, 8)}`, ...config.worker },
    });
    worker.start();
    closers.push(() => worker.stop());
  }

  let url: string | null = null;
  if (deps.roles.api) {
    const app = await buildManagerApp({
      log: log.child({ component: "manager" }),
      auth,
      sites: sitesService,
      images: imagesService,
      files,
      operations,
      siteMembership: sites,
      siteProcess: orchestrator,
      reconcile: new ReconcileService({
        sites,
        operations,
        audit: services.repositories.audit,
        inventory: {
          orchestratorInventory: (id) => orchestrator.orchestratorInventory(id),
          routerInventory: () => router.routerInventory(),
        },
        host,
        specs,
        wakeup,
      }),
      urlTemplate: config.sites.urlTemplate,
      maxUploadBytes: config.files.maxUploadBytes,
      isCookieSecure: config.http.isCookieSecure,
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
