/**
 * Measures every ready site database in the background (the worker role) and holds each to its size limit: past it
 * the site's user may no longer write, at or under it again (a raised limit, space freed) it may. What "may no longer
 * write" means differs by engine (domain/site-database-quota.ts). A host is measured with one query for all its
 * databases, so a pass costs a query per host, not per site; what it measured is kept in the rows, which the pages
 * and the administrators' list of the largest read.
 *
 * Every worker process runs it; two passes at once do the same thing twice (stopping a stopped user's writes again
 * changes nothing), so they need no lease.
 */
import type { DatabaseHost } from "@director/contracts/orchestrator-databases";
import type { AuditRepository } from "@director/db/audit.repository";
import type { DatabaseHostsRepository } from "@director/db/database-hosts.repository";
import type { SiteDatabasesRepository } from "@director/db/site-databases.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { DatabaseHostRecord } from "@director/domain/database-host";
import type { SiteId } from "@director/domain/site";
import type { SiteDatabaseRecord } from "@director/domain/site-database";
import { decideDatabaseWrites, effectiveSizeLimit } from "@director/domain/site-database-quota";
import type { Logger } from "pino";
import { PollingLoop } from "../../adapters/polling-loop.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import type { SecretSealer } from "../database-hosts/database-host-checker.js";
import type { SiteDatabaseHosting } from "./site-database-hosting.js";
import { siteUserConnectionLimit } from "./site-databases.service.js";

export interface DatabaseSizeCheckOptions {
  /** how often every database is measured */
  intervalMs: number;
  /** the limit of a database without one of its own (null: none) */
  defaultLimitBytes: number | null;
}

export interface DatabaseSizeCheckDeps {
  databases: Pick<SiteDatabasesRepository, "listReadyByHost" | "findForSite" | "recordSize">;
  hosts: Pick<DatabaseHostsRepository, "findById">;
  sites: Pick<SitesRepository, "findById">;
  hosting: Pick<SiteDatabaseHosting, "sizes" | "setWritesAllowed">;
  audit: Pick<AuditRepository, "record">;
  /** null when DIRECTOR_SECRETS_KEY is unset: there is no database to measure then */
  sealer: SecretSealer | null;
  log: Pick<Logger, "info" | "warn" | "error">;
  options: DatabaseSizeCheckOptions;
  now?: () => Date;
}

/** What one pass did, for the log and the tests. */
export interface SizeCheckSummary {
  measured: number;
  stopped: number;
  allowed: number;
  /** hosts that did not answer (their databases keep their last measure and state) */
  failedHosts: string[];
}

export class DatabaseSizeCheck {
  readonly #deps: DatabaseSizeCheckDeps & { now: () => Date };
  readonly #loop: PollingLoop;

  constructor(deps: DatabaseSizeCheckDeps) {
    this.#deps = { ...deps, now: deps.now ?? (() => new Date()) };
    this.#loop = new PollingLoop({
      pass: async () => {
        await this.checkAll();
        return { hasMore: false };
      },
      // nothing wakes it early: an administrator's new limit is applied by checkSite at once
      wakeup: new InProcessWakeup(),
      intervalMs: deps.options.intervalMs,
      onError: (error) => deps.log.error({ err: error }, "could not measure site databases; retrying"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One pass over every host with ready databases. */
  async checkAll(): Promise<SizeCheckSummary> {
    const summary: SizeCheckSummary = { measured: 0, stopped: 0, allowed: 0, failedHosts: [] };
    if (this.#deps.sealer === null) return summary;
    const byHost = await this.#deps.databases.listReadyByHost();
    for (const [hostId, records] of byHost) {
      const host = await this.#deps.hosts.findById(hostId);
      if (host === null) continue;
      try {
        await this.#checkHost(host, records, summary);
      } catch (error) {
        // One host down stops no other's check; its databases keep their last state until it answers.
        summary.failedHosts.push(host.name);
        this.#deps.log.warn({ err: error, host: host.name }, "could not measure the databases of a host");
      }
    }
    if (summary.stopped + summary.allowed > 0 || summary.failedHosts.length > 0) {
      this.#deps.log.info(summary, "measured the site databases");
    }
    return summary;
  }

  /** Measures one site's database at once and applies its limit (an administrator changed it); null: none ready. */
  async checkSite(siteId: SiteId): Promise<SiteDatabaseRecord | null> {
    const record = await this.#deps.databases.findForSite(siteId);
    if (record === null || record.status !== "ready" || this.#deps.sealer === null) return record;
    const host = await this.#deps.hosts.findById(record.hostId);
    if (host === null) return record;
    await this.#checkHost(host, [record], { measured: 0, stopped: 0, allowed: 0, failedHosts: [] });
    return this.#deps.databases.findForSite(siteId);
  }

  async #checkHost(host: DatabaseHostRecord, records: SiteDatabaseRecord[], summary: SizeCheckSummary): Promise<void> {
    const { hosting, databases, sealer, options } = this.#deps;
    if (sealer === null) return;
    const connection: DatabaseHost = {
      kind: host.kind,
      adminUrl: sealer.open(host.adminUrlEncrypted),
      connectionLimit: siteUserConnectionLimit,
    };
    const sizes = await hosting.sizes(
      connection,
      records.map((record) => record.siteId),
    );
    for (const record of records) {
      const sizeBytes = sizes.get(record.siteId);
      // Not on the host (dropped by hand, or its removal is under way): reconcile reports it; nothing to hold.
      if (sizeBytes === undefined) continue;
      const limitBytes = effectiveSizeLimit(record.sizeLimitBytes, options.defaultLimitBytes);
      const decision = decideDatabaseWrites({ sizeBytes, limitBytes, isStopped: record.writesStoppedAt !== null });
      const now = this.#deps.now();
      let writesStoppedAt = record.writesStoppedAt;
      if (decision !== "keep") {
        const isAllowed = decision === "allow";
        await hosting.setWritesAllowed(record.siteId, connection, isAllowed);
        writesStoppedAt = isAllowed ? null : now;
        if (isAllowed) summary.allowed += 1;
        else summary.stopped += 1;
        await this.#audit(record, isAllowed, { sizeBytes, limitBytes, host: host.name });
      }
      await databases.recordSize(record.siteId, { sizeBytes, at: now, writesStoppedAt });
      summary.measured += 1;
    }
  }

  async #audit(
    record: SiteDatabaseRecord,
    isAllowed: boolean,
    details: { sizeBytes: number; limitBytes: number | null; host: string },
  ): Promise<void> {
    const site = await this.#deps.sites.findById(record.siteId);
    await this.#deps.audit.record({
      actorUserId: null,
      action: isAllowed ? "site.database_writes_allowed" : "site.database_writes_stopped",
      target: `site:${site?.name ?? record.siteId}`,
      details,
    });
    this.#deps.log.warn(
      { site: site?.name, ...details },
      isAllowed
        ? "a site database is under its limit again: writes allowed"
        : "a site database passed its limit: writes stopped",
    );
  }
}
