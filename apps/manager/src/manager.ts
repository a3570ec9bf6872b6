/**
 * The manager's composition root: config + adapters → services, and from them the HTTP app and the background work
 * (operations worker, mail dispatcher, domain checker). `startManager` (main.ts), the tests (testing/test-app.ts), the `director`
 * command and `director up` all build the manager through this one function.
 */
import { randomUUID } from "node:crypto";
import { PlatformUsageQuery } from "@director/db/platform-usage.query";
import type { SiteDomainsRepository } from "@director/db/site-domains.repository";
import type { FastifyInstance } from "fastify";
import { DnsDomainResolver } from "./adapters/dns-domain-resolver.js";
import type { Wakeup } from "./adapters/wakeup.js";
import type { ManagerConfig } from "./config.js";
import { DomainAlerts } from "./features/domains/domain-alerts.js";
import { DomainChecker, defaultDomainCheckerOptions } from "./features/domains/domain-checker.js";
import { publishingOperationStore, type WorkerStore } from "./features/live/publishing-operation-store.js";
import { defaultMailDispatcherOptions, MailDispatcher } from "./features/mail/mail-dispatcher.js";
import {
  type OperationObserver,
  OperationWorker,
  type StepContextFactory,
} from "./features/operations/operation-worker.js";
import { OutboxRelay } from "./features/operations/outbox-relay.js";
import { defaultSiteNameReleaserOptions, SiteNameReleaser } from "./features/sites/site-name-releaser.js";
import { DiskCollector } from "./features/usage/disk-collector.js";
import { defaultResourceCollectorOptions, ResourceCollector } from "./features/usage/resource-collector.js";
import { defaultTrafficCollectorOptions, TrafficCollector } from "./features/usage/traffic-collector.js";
import { defaultUsageAlertsOptions, UsageAlerts } from "./features/usage/usage-alerts.js";
import { buildManagerApp, type ManagerAppOptions } from "./http/app.js";
import type { ManagerAdapters } from "./manager-adapters.js";
import { createManagerServices, type ManagerServices } from "./manager-services.js";

/** A built manager: its services, and what it can run on them. */
export interface Manager {
  config: ManagerConfig;
  adapters: ManagerAdapters;
  services: ManagerServices;
  /** The HTTP app (not listening yet); `options` only for tests' timings. */
  buildApp(options?: ManagerAppOptions): Promise<FastifyInstance>;
  /**
   * Starts the operations worker, the mail dispatcher and the domain checker; resolves to the function that stops
   * them. `observer`: told what the worker does (its metrics).
   */
  startBackground(observer?: OperationObserver): () => Promise<void>;
  /** hands queued operations to the broker; null without one (DIRECTOR_RABBITMQ_URL) */
  relay: OutboxRelay | null;
}

export function createManager(config: ManagerConfig, adapters: ManagerAdapters): Manager {
  const services = createManagerServices(config, adapters);
  const queue = adapters.operationQueue;
  const manager: Manager = {
    config,
    adapters,
    services,
    buildApp: (options = {}) => buildManagerApp(manager, options),
    startBackground: (observer) => startBackground(manager, observer),
    relay:
      queue === null
        ? null
        : new OutboxRelay({
            outbox: services.repositories.operationOutbox,
            queue,
            // woken by what this process queues; a worker also passes after every operation it ends
            wakeup: adapters.wakeup,
            log: adapters.log.child({ component: "outbox-relay" }),
            options: {
              waiting: config.rabbitmq.waiting,
              republishAfterMs: config.worker.leaseMs,
              intervalMs: config.worker.pollIntervalMs,
            },
          }),
  };
  return manager;
}

function startBackground(
  { config, adapters, services, relay }: Manager,
  observer: OperationObserver | undefined,
): () => Promise<void> {
  const { sites, operations, images, mailOutbox, siteDomains, siteDatabases, siteFormerNames } = services.repositories;
  const contextFor: StepContextFactory = async (operation) => ({
    site: operation.siteId === null ? null : await sites.findById(operation.siteId),
    siteName: operation.siteName,
    host: adapters.components.host,
    sites: {
      markReady: (site) => sites.markReady(site.id),
      forget: (site) => sites.delete(site.id),
      setImage: (site, image) => sites.updateImage(site.id, image),
    },
    images,
    input: operation.input,
    ...services.specs,
    formerNames: siteFormerNames,
    domains: siteDomains,
    renewWithinDays: config.domains.renewWithinDays,
    now: () => new Date(),
    databases: {
      open: (siteId) => services.siteDatabases.open(siteId),
      environment: (site) => services.siteEnvironment(site),
      markReady: (siteId, name) => siteDatabases.markReady(siteId, name),
      completeRotation: (siteId) => siteDatabases.completeRotation(siteId),
      forget: (siteId) => siteDatabases.delete(siteId),
      hosting: adapters.components.siteDatabaseHosting,
    },
  });
  const worker = new OperationWorker({
    // The worker tells the live channel what it changed (pages of this process hear it at once).
    store: wakingOnFinish(publishingOperationStore(operations, adapters.operationEvents), {
      domains: siteDomains,
      wakeup: adapters.domainWakeup,
    }),
    contextFor,
    wakeup: adapters.wakeup,
    log: adapters.log.child({ component: "worker" }),
    options: { owner: `worker-${process.pid}-${randomUUID().slice(0, 8)}`, ...config.worker },
    ...(observer === undefined ? {} : { observer }),
  });
  // The mail outbox's sender runs with the operations: the worker role is the one meant to run in the background.
  const mailDispatcher = new MailDispatcher({
    outbox: mailOutbox,
    mailer: adapters.mailer,
    wakeup: adapters.mailWakeup,
    log: adapters.log.child({ component: "mail-dispatcher" }),
    options: defaultMailDispatcherOptions,
  });
  const domainChecker = new DomainChecker({
    domains: siteDomains,
    sites,
    operations,
    inTransaction: (work) =>
      services.inTransaction(({ siteDomains: domains, operations: queue }) => work({ domains, operations: queue })),
    resolver: new DnsDomainResolver({
      publicAddresses: config.domains.publicAddresses,
      servers: config.domains.dnsServers,
    }),
    alerts: new DomainAlerts({
      domains: siteDomains,
      users: services.repositories.users,
      outbox: mailOutbox,
      mailWakeup: adapters.mailWakeup,
      log: adapters.log.child({ component: "domain-alerts" }),
    }),
    workerWakeup: adapters.wakeup,
    wakeup: adapters.domainWakeup,
    log: adapters.log.child({ component: "domain-checker" }),
    options: { ...defaultDomainCheckerOptions, renewWithinDays: config.domains.renewWithinDays },
  });
  const queue = adapters.operationQueue;
  if (queue === null) worker.start();
  else {
    // fed by the broker: each delivered id is run here, and the relay refills the place it leaves in the queue
    worker.start({ polling: false });
    void queue
      .consume(config.worker.concurrency, async (operationId) => {
        const outcome = await worker.runById(operationId);
        relay?.trigger();
        return outcome;
      })
      .catch((error: unknown) => adapters.log.error({ err: error }, "could not consume the operations queue"));
  }
  mailDispatcher.start();
  domainChecker.start();
  services.databaseSizeCheck.start();
  const trafficCollector = new TrafficCollector({
    log: adapters.components.trafficLog,
    inTransaction: (work) => services.inTransaction(({ siteTraffic }) => work(siteTraffic)),
    traffic: services.repositories.siteTraffic,
    sitesDomain: config.sites.domain,
    logger: adapters.log.child({ component: "traffic-collector" }),
    options: { ...defaultTrafficCollectorOptions, intervalMs: config.usage.trafficIntervalMs },
  });
  if (config.usage.trafficIntervalMs > 0) trafficCollector.start();
  const resourceCollector = new ResourceCollector({
    sampler: adapters.components.resourceSampler,
    inTransaction: (work) =>
      services.inTransaction(({ siteTraffic, siteResources }) =>
        work({ samples: siteTraffic, resources: siteResources }),
      ),
    resources: services.repositories.siteResources,
    logger: adapters.log.child({ component: "resource-collector" }),
    options: { ...defaultResourceCollectorOptions, intervalMs: config.usage.resourcesIntervalMs },
  });
  if (config.usage.resourcesIntervalMs > 0) resourceCollector.start();
  const diskCollector = new DiskCollector({
    disks: adapters.components.siteDisks,
    repository: services.repositories.siteDisk,
    platform: new PlatformUsageQuery(adapters.db),
    logger: adapters.log.child({ component: "disk-collector" }),
    intervalMs: config.usage.diskIntervalMs,
  });
  if (config.usage.diskIntervalMs > 0) diskCollector.start();
  const usageAlerts = new UsageAlerts({
    alerts: services.repositories.usageAlerts,
    outbox: mailOutbox,
    mailWakeup: adapters.mailWakeup,
    log: adapters.log.child({ component: "usage-alerts" }),
    options: defaultUsageAlertsOptions,
  });
  usageAlerts.start();
  const nameReleaser = new SiteNameReleaser({
    formerNames: services.repositories.siteFormerNames,
    sites,
    inTransaction: (work) => services.inTransaction(({ operations: queue }) => work({ operations: queue })),
    workerWakeup: adapters.wakeup,
    log: adapters.log.child({ component: "site-name-releaser" }),
    options: { ...defaultSiteNameReleaserOptions, intervalMs: config.sites.renamedCheckIntervalMs },
  });
  nameReleaser.start();
  return async () => {
    // no new deliveries; the running operations end their step and go back to the queue
    await Promise.all([queue?.stopConsuming(), worker.stop()]);
    await mailDispatcher.stop();
    await domainChecker.stop();
    await services.databaseSizeCheck.stop();
    await trafficCollector.stop();
    await resourceCollector.stop();
    await diskCollector.stop();
    await usageAlerts.stop();
    await nameReleaser.stop();
  };
}

/**
 * The worker's store, handing a site's put-off domains back to the domain checker when one of its operations ends:
 * a domain that waited for its busy site (its own update_domains, most often) is checked at once rather than after
 * its retry delay.
 */
function wakingOnFinish(
  store: WorkerStore,
  checker: { domains: Pick<SiteDomainsRepository, "makeDueAfterOperation">; wakeup: Wakeup },
): WorkerStore {
  return {
    ...store,
    finish: async (id, result, trx) => {
      await store.finish(id, result, trx);
      // Only a shortcut: when it fails, the domain's own retry (2 s) still comes.
      const handedBack = await checker.domains.makeDueAfterOperation(id).catch(() => 0);
      if (handedBack > 0) checker.wakeup.notify();
    },
  };
}
