import type { Route } from "@director/contracts/route";
import type { DirectorError } from "@director/domain/errors";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { InternalToken } from "@director/http-kit/internal-auth";
import { InMemoryConfigFiles } from "@director/testing/in-memory-config-files";
import { injectRoute, type RouteRequest } from "@director/testing/inject-route";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { NginxBalancerConfig } from "../adapters/balancer-config.js";
import { MariadbSiteDumps } from "../adapters/mariadb-site-dumps.js";
import { PostgresSiteDumps } from "../adapters/postgres-site-dumps.js";
import { UpstreamTrackingBalancer } from "../core/site-balancer.js";
import type { SiteDatabaseEngineFactory } from "../core/site-database-engine.js";
import { SiteDatabaseTransfers } from "../core/site-database-transfers.js";
import { SiteDatabases } from "../core/site-databases.js";
import { SiteImages } from "../core/site-images.js";
import { SiteInventory } from "../core/site-inventory.js";
import { SiteServices } from "../core/site-services.js";
import { defaultSiteUidBase, siteUserOf } from "../core/site-user.js";
import { buildOrchestratorApp } from "../http/app.js";
import {
  InMemoryBalancerSpecStore,
  InMemoryImageBuilder,
  InMemoryServiceRuntime,
  InMemorySiteContainers,
} from "./in-memory-dynamic-sites.js";
import { inMemoryEngineFactory } from "./in-memory-site-databases.js";
import { InMemorySiteDirectories, InMemorySiteFiles, InMemorySiteIndex } from "./in-memory-sites.js";

export const testToken = "test-token-0123456789-0123456789-0123456789" as InternalToken;
export const authorization = { authorization: `Bearer ${testToken}` };

/** A request to one route of the orchestrator's table (contracts/orchestrator-api.ts), with the token unless `headers` are given. */
export function callRoute(app: FastifyInstance, target: Route, request: RouteRequest = {}) {
  return injectRoute(app, target, { ...request, headers: request.headers ?? authorization });
}

export const testImage = "director/base-busybox:0123456789abcdef" as ImageRef;
export const testSitePort = 8080;
export const testInstallationId = "test" as InstallationId;

/**
 * The orchestrator's HTTP app on in-memory fakes of every port (the balancer adapter is real: it only renders).
 * `hasRuntime`: dynamic sites wired on a fake runtime and fake site containers, as createOrchestrator wires them.
 */
export function buildTestOrchestratorApp(
  options: {
    maxFileBytes?: number;
    hasRuntime?: boolean;
    dynamicSitesRefusal?: DirectorError;
    /** real database engines (the int tests); default: in-memory ones */
    databaseEngines?: { create: SiteDatabaseEngineFactory; installationId: InstallationId };
    /** default: silent */
    log?: Logger;
  } = {},
) {
  const log = options.log ?? pino({ level: "silent" });
  const directories = new InMemorySiteDirectories();
  const files = new InMemorySiteFiles();
  const configFiles = new InMemoryConfigFiles();
  const siteIndex = new InMemorySiteIndex();
  const specs = new InMemoryBalancerSpecStore();
  const runtime = new InMemoryServiceRuntime();
  const containers = new InMemorySiteContainers();
  const builder = new InMemoryImageBuilder();
  builder.images.set(testImage, "sha256:base");
  const balancer = new UpstreamTrackingBalancer({
    balancer: new NginxBalancerConfig({
      files: configFiles,
      index: siteIndex,
      directories,
      env: {
        listen: "127.0.0.1:8081",
        sitesDomain: "sites.localhost",
        defaultClientBodyLimitBytes: 2097152,
        indexDir: "/srv/director/site-index",
      },
      // No nginx caches anything here.
      fileCacheValidMs: 0,
    }),
    specs,
    addressOf: options.hasRuntime ? (id) => containers.addressOf(id) : null,
    sitePort: testSitePort,
  });
  const images = options.hasRuntime
    ? new SiteImages({ builder, baseImage: async () => testImage, installationId: testInstallationId })
    : null;
  const services = options.hasRuntime
    ? new SiteServices({
        runtime,
        directories,
        siteUserOf: (id) => siteUserOf(id, defaultSiteUidBase),
        removalWaitMs: 300,
        baseImage: async () => testImage,
        networkName: "director-sites",
        defaultLimits: { cpus: 0.6, memoryBytes: 100 * 1024 * 1024, pidsLimit: 256 },
        refreshBalancer: (id, address) => balancer.refresh(id, address),
        ...(images ? { siteImages: images } : {}),
      })
    : null;
  const databaseEngines = inMemoryEngineFactory();
  const databases = new SiteDatabases({
    installationId: options.databaseEngines?.installationId ?? testInstallationId,
    createEngine: options.databaseEngines?.create ?? databaseEngines.create,
    log,
  });
  const app = buildOrchestratorApp({
    // A fake: in-memory sites have no folders to watch (the real watch is tested in site-folder-watch.int.test.ts).
    folderWatch: { watch: async () => undefined },
    // A fake: no nginx logs here (the real log is read in nginx-traffic-log.int.test.ts); a log with no lines.
    traffic: {
      read: async (after) => ({
        buckets: [],
        next: after ?? { logId: "emptylog", generation: 0, offset: 0 },
        hasMore: false,
      }),
    },
    log,
    token: testToken,
    directories,
    balancer,
    files,
    maxFileBytes: options.maxFileBytes ?? 1024,
    zipLimits: { maxFiles: 1000, maxBytes: 1024 * 1024 },
    services,
    inventory: new SiteInventory({
      installationId: testInstallationId,
      directories,
      balancer,
      services: options.hasRuntime ? runtime : null,
      runningAddresses: options.hasRuntime ? () => containers.runningAddresses() : null,
      siteImages: images,
    }),
    images,
    databases,
    // The real tools: they run only when a test calls an export or an import against a real host.
    databaseTransfers: new SiteDatabaseTransfers({
      installationId: options.databaseEngines?.installationId ?? testInstallationId,
      databases,
      tools: { postgres: new PostgresSiteDumps(), mysql: new MariadbSiteDumps() },
    }),
    ...(options.dynamicSitesRefusal ? { dynamicSitesRefusal: options.dynamicSitesRefusal } : {}),
  });
  app.addHook("onClose", async () => {
    await databases.close();
  });
  return {
    app,
    directories,
    files,
    configFiles,
    siteIndex,
    specs,
    runtime,
    containers,
    balancer,
    builder,
    databaseEngines,
  };
}
