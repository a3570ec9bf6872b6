import type { AuditRepository } from "@director/db/audit.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteDomainsRepository } from "@director/db/site-domains.repository";
import type { Actor } from "@director/domain/actor";
import { type CustomDomain, parseCustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { SiteRecord as Site } from "@director/domain/site";
import type { SiteDomainRecord } from "@director/domain/site-domain";
import type { Wakeup } from "../../adapters/wakeup.js";
import type { SitesService } from "../sites/sites.service.js";
import { queueServing } from "./domain-serving.js";
import { assertDomainAllowed, assertRoomForDomain, type DomainRules } from "./domains.policy.js";

export interface DomainsServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  domains: Pick<SiteDomainsRepository, "listForSite" | "listAll" | "find" | "recordProgress">;
  rules: DomainRules;
  wakeup: Wakeup;
  /** wakes the domain checker, so that a new or retried domain is checked now rather than at its next round */
  checkerWakeup: Wakeup;
  inTransaction<T>(
    work: (repos: {
      domains: Pick<SiteDomainsRepository, "add" | "find" | "delete" | "markRemoving" | "countForSite">;
      operations: Pick<OperationsRepository, "queueOrJoin">;
      audit: Pick<AuditRepository, "record">;
    }) => Promise<T>,
  ): Promise<T>;
}

/**
 * A site's own domains. Adding or removing one records the change and the operation that serves it (or stops) in one
 * transaction; the domain checker then follows its DNS and certificate (domain-checker.ts).
 */
export class DomainsService {
  readonly #deps: DomainsServiceDeps;

  constructor(deps: DomainsServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor, siteName: string): Promise<{ site: Site; domains: SiteDomainRecord[] }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "view");
    return { site, domains: await this.#deps.domains.listForSite(site.id) };
  }

  async listAll(): Promise<(SiteDomainRecord & { siteName: string })[]> {
    return this.#deps.domains.listAll();
  }

  /**
   * Members: adds a domain. Checked in this order, each refusal changing nothing: the caller's access to the site
   * (SITE_NOT_FOUND / FORBIDDEN), the domain's grammar (DOMAIN_INVALID), blocked and reserved domains, the site's
   * limit, and last the unique index (DOMAIN_TAKEN, also when two requests race for one domain).
   *
   * A busy site does not refuse it: the domain joins a pending update_domains operation, or, when the site runs
   * another operation (say the certificate of the domain added a moment ago), it is served by the certificate
   * operation that follows its DNS check (operation null).
   */
  async add(
    actor: Actor,
    siteName: string,
    requested: string,
  ): Promise<{ domain: SiteDomainRecord; operation: Operation | null }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const domain = parseCustomDomain(requested);
    assertDomainAllowed(domain, actor, this.#deps.rules);
    const added = await this.#deps.inTransaction(async ({ domains, operations, audit }) => {
      assertRoomForDomain(await domains.countForSite(site.id), this.#deps.rules);
      const record = await domains.add({ siteId: site.id, domain, createdBy: actor.id });
      const operation = await queueServing(operations, actor, site, { added: domain });
      await audit.record({
        actorUserId: actor.id,
        action: "site.add_domain",
        target: `site:${site.name}`,
        details: { domain },
      });
      return { domain: record, operation };
    });
    this.#deps.wakeup.notify();
    this.#deps.checkerWakeup.notify();
    return added;
  }

  /**
   * Members: takes a domain off the site; DOMAIN_NOT_FOUND when the site does not have it. The operation that stops
   * serving it and removes its certificate is queued (or joins a pending one); when the site runs another operation,
   * the domain is marked as being removed (no longer served by the next balancer write) and the domain checker queues
   * that operation once the site is free (operation null). Asking again for a domain being removed changes nothing.
   */
  async remove(actor: Actor, siteName: string, requested: string): Promise<Operation | null> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const domain = this.#parseOwn(requested, site);
    const operation = await this.#deps.inTransaction(async ({ domains, operations, audit }) => {
      const record = await domains.find(domain);
      if (record === null || record.siteId !== site.id) throw notFound(domain, site);
      if (record.status === "removing") return null;
      const queued = await queueServing(operations, actor, site, { removed: domain });
      if (queued === null) await domains.markRemoving(record.id);
      else await domains.delete(record.id);
      await audit.record({
        actorUserId: actor.id,
        action: "site.remove_domain",
        target: `site:${site.name}`,
        details: { domain },
      });
      return queued;
    });
    if (operation === null) this.#deps.checkerWakeup.notify();
    else this.#deps.wakeup.notify();
    return operation;
  }

  /** Members: checks a waiting or failed domain again now (an active one has nothing to retry). */
  async retry(actor: Actor, siteName: string, requested: string): Promise<SiteDomainRecord> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const domain = this.#parseOwn(requested, site);
    const record = await this.#deps.domains.find(domain);
    if (record === null || record.siteId !== site.id) throw notFound(domain, site);
    if (record.status === "active" || record.status === "issuing" || record.status === "removing") return record;
    const retried = { ...record, statusMessage: "Checking again now.", nextAttemptAt: new Date() };
    await this.#deps.domains.recordProgress(record.id, retried);
    this.#deps.checkerWakeup.notify();
    return retried;
  }

  /** The domain as the site lists it; a value outside the grammar cannot be one of its domains. */
  #parseOwn(requested: string, site: Site): CustomDomain {
    try {
      return parseCustomDomain(requested);
    } catch {
      throw notFound(requested, site);
    }
  }
}

function notFound(domain: string, site: Site): DirectorError {
  return new DirectorError("DOMAIN_NOT_FOUND", `The site "${site.name}" has no domain ${domain}.`);
}
