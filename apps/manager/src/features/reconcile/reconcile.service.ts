/**
 * `director reconcile` and POST /api/admin/reconcile: compares the database with what the orchestrator and router
 * have, reports the drift, and puts it back. A site's repair is a durable `reconcile_site` operation made of the
 * steps the other operations use, so it runs one at a time per site like any other change (SITE_BUSY: reported,
 * retried by the next run). Leftovers with no site row are removed directly (there is no site to lock, and each
 * removal is one idempotent call), except site directories, which hold data and are only reported. Site databases are
 * compared with their hosts by database-reconcile.ts: a missing one is part of its site's repair, a leftover on a host
 * is dropped there.
 */
import type { ReconcileItem, ReconcileOutcome, ReconcileReport } from "@director/contracts/manager-reconcile";
import type { AuditRepository } from "@director/db/audit.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteFormerNamesRepository } from "@director/db/site-former-names.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { SiteRecord } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import type { Wakeup } from "../../adapters/wakeup.js";
import { operationPlans } from "../operations/operation-plans.js";
import type { SiteSpecs } from "../operations/site-specs.js";
import type { LeftoverDatabase, MissingDatabase } from "./database-drift.js";
import type { DatabaseReconcile, DatabaseSurvey } from "./database-reconcile.js";
import { computeDrift, repairStepsFor, type SiteDrift } from "./drift.js";
import type { HostInventory, LeftoverRemoval } from "./host-inventory.js";

export interface ReconcileServiceDeps {
  sites: Pick<SitesRepository, "findByName" | "listAll">;
  operations: Pick<OperationsRepository, "create" | "findById">;
  audit: Pick<AuditRepository, "record">;
  inventory: HostInventory;
  /** removes leftovers */
  host: LeftoverRemoval;
  /** site databases against their hosts */
  databases: Pick<DatabaseReconcile, "survey" | "compare" | "removeLeftover">;
  specs: SiteSpecs;
  /** renamed sites' unexpired former names, routed to their site like its name */
  formerNames: Pick<SiteFormerNamesRepository, "activeNamesBySite">;
  wakeup: Wakeup;
  /** certificates that are no site's and still needed: Director's own host's */
  keptCertificates: readonly string[];
}

export interface ReconcileOptions {
  /** who asked (null: the `director` command, run by whoever may read the installation's secrets) */
  actorId: number | null;
  /** only this site; no leftovers are looked for */
  siteName?: string;
  isDryRun: boolean;
  /** wait for the repair operations to end, up to timeoutMs; `onProgress` hears every change of one */
  wait?: { timeoutMs: number; pollIntervalMs?: number; onProgress?: (operation: Operation) => void };
}

/** Finds and repairs drift; safe to run any time, and a run on an installation in line changes nothing. */
export class ReconcileService {
  readonly #deps: ReconcileServiceDeps;

  constructor(deps: ReconcileServiceDeps) {
    this.#deps = deps;
  }

  async run(options: ReconcileOptions): Promise<ReconcileReport> {
    const { sites, inventory, specs } = this.#deps;
    const only = options.siteName === undefined ? null : await this.#findSite(options.siteName);
    // The inventories first, the database after: a site (or a site database) created meanwhile has its row before it
    // has anything on the machines (or the database host), so nothing of a live site can pass for a leftover.
    const orchestrator = await inventory.orchestratorInventory(only?.id);
    const router = await inventory.routerInventory();
    const certificates = await inventory.certificateInventory();
    const scope = only === null ? null : { siteId: only.id };
    const survey = await this.#deps.databases.survey(scope);
    const rows = only === null ? await sites.listAll() : [await this.#findSite(only.name)];
    const databases = await this.#deps.databases.compare(survey, scope);
    const formerNames = await this.#deps.formerNames.activeNamesBySite();
    const expected = rows.map((site) => ({
      site,
      balancer: specs.balancerSpec(site),
      hostnames: specs.routeHostnames(site, formerNames.get(site.id) ?? []),
    }));
    const drifts = computeDrift({
      expected,
      orchestrator,
      router,
      certificates: certificates
        .map((entry) => entry.domain)
        .filter((domain) => !this.#deps.keptCertificates.includes(domain)),
      hasOrphans: only === null,
    });
    addMissingDatabases(drifts, rows, databases.missing);
    const notes = [
      ...(orchestrator.isDockerAvailable
        ? []
        : ["The orchestrator has no Docker engine: dynamic sites' services were not checked."]),
      ...databases.notes,
    ];

    const items: ReconcileItem[] = [];
    for (const drift of drifts) {
      items.push(options.isDryRun ? reported(drift) : await this.#repair(drift, options.actorId));
    }
    const siteNames = new Map<number, string>(rows.map((site) => [site.id, site.name]));
    for (const leftover of databases.leftovers) {
      const name = siteNames.get(leftover.siteId);
      const label = { site: name ?? `#${leftover.siteId}`, isOrphan: name === undefined, leftover };
      const done = options.isDryRun
        ? databaseItem(label, "reported", "Dry run: nothing changed.")
        : await this.#removeLeftoverDatabase(survey, label);
      if (done !== null) items.push(done);
    }
    if (!options.isDryRun && items.some((item) => item.outcome === "queued")) this.#deps.wakeup.notify();
    if (!options.isDryRun && items.length > 0) {
      await this.#deps.audit.record({
        actorUserId: options.actorId,
        action: "reconcile.run",
        target: only === null ? "installation" : `site:${only.name}`,
        details: { items: items.map((item) => ({ site: item.site, outcome: item.outcome })) },
      });
    }
    if (options.wait !== undefined) await this.#waitFor(items, options.wait);
    return {
      installationId: orchestrator.installationId,
      isDryRun: options.isDryRun,
      checkedSites: rows.length,
      notes,
      items,
      isInSync: items.length === 0,
      isRepaired: items.every(
        (item) => item.outcome === "repaired" || item.outcome === "removed" || item.outcome === "kept",
      ),
    };
  }

  async #findSite(name: string) {
    const site = await this.#deps.sites.findByName(parseSiteName(name));
    if (site === null) throw new DirectorError("SITE_NOT_FOUND", `There is no site named "${name}".`);
    return site;
  }

  async #repair(drift: SiteDrift, actorId: number | null): Promise<ReconcileItem> {
    if (drift.site === null) return this.#removeLeftovers(drift);
    const { site } = drift;
    const slugs = new Set(repairStepsFor(drift.findings));
    const steps = operationPlans.reconcile_site.filter((step) => slugs.has(step.slug));
    try {
      const operation = await this.#deps.operations.create({
        siteId: site.id,
        siteName: site.name,
        kind: "reconcile_site",
        createdBy: actorId,
        steps: steps.map(({ slug, name }) => ({ slug, name })),
      });
      return item(drift, "queued", operation.id, `Queued: ${steps.map((step) => step.name).join("; ")}.`);
    } catch (error) {
      if (isDirectorError(error) && error.code === "SITE_BUSY") {
        return item(drift, "busy", null, "Another operation on the site is running; run reconcile again once it ends.");
      }
      throw error;
    }
  }

  async #removeLeftovers(drift: SiteDrift): Promise<ReconcileItem> {
    const { host } = this.#deps;
    const kinds = new Set(drift.findings.map((found) => found.kind));
    const done: string[] = [];
    try {
      if (drift.siteId !== null && kinds.has("orphan_service")) {
        await host.removeService(drift.siteId);
        done.push("removed the service");
      }
      if (drift.siteId !== null && kinds.has("orphan_balancer_config")) {
        await host.removeBalancer(drift.siteId);
        done.push("removed the balancer file");
      }
      if (drift.siteId !== null && kinds.has("orphan_images")) {
        await host.removeImages(drift.siteId);
        done.push("removed its images");
      }
      if (drift.siteId !== null && kinds.has("orphan_route")) {
        await host.removeRoute(drift.siteId);
        done.push("removed the route file");
      }
      if (drift.certificateDomain !== null && kinds.has("orphan_certificate")) {
        await host.removeCertificate(parseCustomDomain(drift.certificateDomain));
        done.push("removed the certificate and its key");
      }
      if (drift.legacyRouteName !== null && kinds.has("orphan_route")) {
        await host.removeLegacyRoute(drift.legacyRouteName);
        done.push("removed the route file");
      }
    } catch (error) {
      const reason = isDirectorError(error) ? `${error.message} (${error.code})` : String(error);
      return item(drift, "failed", null, [...done, `could not finish: ${reason}`].join("; "));
    }
    if (kinds.has("orphan_directory")) {
      done.push("kept the directory: it holds files; archive or delete it by hand");
      return item(drift, "kept", null, capitalize(`${done.join("; ")}.`));
    }
    return item(drift, "removed", null, capitalize(`${done.join("; ")}.`));
  }

  /** null: the site has made a database on that host since the inventory (it is its own now, and nothing was done) */
  async #removeLeftoverDatabase(survey: DatabaseSurvey, label: DatabaseItemLabel): Promise<ReconcileItem | null> {
    try {
      const done = await this.#deps.databases.removeLeftover(survey, label.leftover);
      return done === null ? null : databaseItem(label, "removed", done);
    } catch (error) {
      const reason = isDirectorError(error) ? `${error.message} (${error.code})` : String(error);
      return databaseItem(label, "failed", `Could not remove it: ${reason}`);
    }
  }

  async #waitFor(items: ReconcileItem[], wait: NonNullable<ReconcileOptions["wait"]>): Promise<void> {
    const deadline = Date.now() + wait.timeoutMs;
    const seen = new Map<number, string>();
    for (;;) {
      let isPending = false;
      for (const entry of items) {
        if (entry.outcome !== "queued" || entry.operationId === null) continue;
        const operation = await this.#deps.operations.findById(entry.operationId);
        if (operation === null) continue;
        const view = JSON.stringify([operation.status, operation.steps.map((step) => [step.status, step.message])]);
        if (seen.get(operation.id) !== view) {
          seen.set(operation.id, view);
          wait.onProgress?.(operation);
        }
        if (operation.status === "succeeded") {
          Object.assign(entry, { outcome: "repaired" satisfies ReconcileOutcome, message: "Repaired." });
        } else if (operation.status === "failed") {
          Object.assign(entry, { outcome: "failed" satisfies ReconcileOutcome, message: operation.error ?? "Failed." });
        } else {
          isPending = true;
        }
      }
      if (!isPending) return;
      if (Date.now() > deadline) {
        for (const entry of items) {
          if (entry.outcome === "queued") entry.message = `${entry.message} Still running after ${wait.timeoutMs} ms.`;
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, wait.pollIntervalMs ?? 250));
    }
  }
}

/** A missing database is part of its site's repair: one operation per site, with the site's other drift. */
function addMissingDatabases(drifts: SiteDrift[], rows: readonly SiteRecord[], missing: readonly MissingDatabase[]) {
  for (const { siteId, finding } of missing) {
    const site = rows.find((row) => row.id === siteId);
    if (site === undefined) continue; // a foreign key keeps a site with a database; it was not listed (another site's run)
    const drift = drifts.find((entry) => entry.site?.id === siteId);
    if (drift === undefined) {
      drifts.push({ site, siteId, legacyRouteName: null, certificateDomain: null, findings: [finding] });
    } else {
      drift.findings.push(finding);
    }
  }
}

function reported(drift: SiteDrift): ReconcileItem {
  return item(drift, "reported", null, "Dry run: nothing changed.");
}

function item(drift: SiteDrift, outcome: ReconcileOutcome, operationId: number | null, message: string): ReconcileItem {
  return {
    site: drift.site?.name ?? drift.legacyRouteName ?? drift.certificateDomain ?? `#${drift.siteId}`,
    siteId: drift.site?.id ?? drift.siteId,
    isOrphan: drift.site === null,
    drift: drift.findings,
    outcome,
    operationId,
    message,
  };
}

/** A leftover database: named by its site when the site still exists (with no database on that host). */
interface DatabaseItemLabel {
  site: string;
  isOrphan: boolean;
  leftover: LeftoverDatabase;
}

function databaseItem(label: DatabaseItemLabel, outcome: ReconcileOutcome, message: string): ReconcileItem {
  return {
    site: label.site,
    siteId: label.leftover.siteId,
    isOrphan: label.isOrphan,
    drift: [label.leftover.finding],
    outcome,
    operationId: null,
    message,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
