/** Sites' own domains (migration 0011). The site row's `domains` and `https_domains` follow these rows by trigger. */
import type { CustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SiteDomainRecord, SiteDomainStatus } from "@director/domain/site-domain";
import { type Selectable, sql } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import type { SiteDomainsTable } from "./schema.js";

/** What a domain's check or certificate attempt found. */
export interface SiteDomainProgress {
  status: SiteDomainStatus;
  statusMessage: string;
  /** absent: unchanged */
  certificateNotAfter?: Date | null;
  failures: number;
  nextAttemptAt: Date | null;
}

/** A domain administrators should hear about. */
export interface DomainAlert {
  kind: "failed" | "expiring";
  siteName: string;
  domain: SiteDomainRecord;
}

export class SiteDomainsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** The site's domains, by name. */
  async listForSite(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<SiteDomainRecord[]> {
    const rows = await trx
      .selectFrom("site_domains")
      .selectAll()
      .where("site_id", "=", siteId)
      .orderBy("domain")
      .execute();
    return rows.map(toSiteDomain);
  }

  /** Every domain of every site, by name (administrators' view). */
  async listAll(trx: DatabaseHandle = this.#db): Promise<(SiteDomainRecord & { siteName: string })[]> {
    const rows = await trx
      .selectFrom("site_domains")
      .innerJoin("sites", "sites.id", "site_domains.site_id")
      .selectAll("site_domains")
      .select("sites.name as site_name")
      .orderBy("site_domains.domain")
      .execute();
    return rows.map(({ site_name, ...row }) => ({ ...toSiteDomain(row), siteName: site_name }));
  }

  async find(domain: CustomDomain, trx: DatabaseHandle = this.#db): Promise<SiteDomainRecord | null> {
    const row = await trx.selectFrom("site_domains").selectAll().where("domain", "=", domain).executeTakeFirst();
    return row ? toSiteDomain(row) : null;
  }

  /**
   * Adds the domain to the site, due for its first DNS check now; DOMAIN_TAKEN when any site has it (the unique index
   * decides, so two requests racing for one domain cannot both win).
   */
  async add(
    input: { siteId: SiteId; domain: CustomDomain; createdBy: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<SiteDomainRecord> {
    try {
      const row = await trx
        .insertInto("site_domains")
        .values({
          site_id: input.siteId,
          domain: input.domain,
          created_by: input.createdBy,
          status_message: "Checking that the domain points here.",
          next_attempt_at: new Date(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSiteDomain(row);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.siteDomainsDomain)) {
        throw new DirectorError("DOMAIN_TAKEN", `The domain ${input.domain} is already used by a site.`, {
          details: { fields: { domain: "already used by a site" } },
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Removes the domain from the site; false when the site did not have it. */
  async remove(siteId: SiteId, domain: CustomDomain, trx: DatabaseHandle = this.#db): Promise<boolean> {
    const result = await trx
      .deleteFrom("site_domains")
      .where("site_id", "=", siteId)
      .where("domain", "=", domain)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * Marks the domain as being removed: no longer served (the site row leaves it out), its row kept until the operation
   * that removes its certificate is queued (the domain checker does that when the site is free, due now).
   */
  async markRemoving(id: number, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("site_domains")
      .set({
        status: "removing",
        status_message: "Being removed once the site's current operation ends.",
        next_attempt_at: new Date(),
      })
      .where("id", "=", id)
      .execute();
  }

  /** Deletes the domain's row (by id: whichever site it belongs to). */
  async delete(id: number, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.deleteFrom("site_domains").where("id", "=", id).execute();
  }

  async countForSite(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<number> {
    const { count } = await trx
      .selectFrom("site_domains")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("site_id", "=", siteId)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /** Records what a check or an attempt found. */
  async recordProgress(id: number, progress: SiteDomainProgress, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("site_domains")
      .set({
        status: progress.status,
        status_message: progress.statusMessage,
        failures: progress.failures,
        next_attempt_at: progress.nextAttemptAt,
        // Out of failure, a later failure is news again; a new certificate has its own expiry to warn of.
        ...(progress.status === "failed" ? {} : { failure_alerted_at: null }),
        ...(progress.certificateNotAfter === undefined
          ? {}
          : { certificate_not_after: progress.certificateNotAfter, expiry_alerted_at: null }),
      })
      .where("id", "=", id)
      .execute();
  }

  /**
   * The domains administrators have not been told about yet: failed ones, and active ones whose certificate ends
   * before `expiringBefore` (its renewal keeps failing). Each is marked told in the same statement, so that several
   * workers never send one alert twice.
   */
  async claimAlerts(input: { now: Date; expiringBefore: Date }): Promise<DomainAlert[]> {
    const failed = await this.#db
      .updateTable("site_domains")
      .set({ failure_alerted_at: input.now })
      .where("status", "=", "failed")
      .where("failure_alerted_at", "is", null)
      .returningAll()
      .execute();
    const expiring = await this.#db
      .updateTable("site_domains")
      .set({ expiry_alerted_at: input.now })
      .where("status", "=", "active")
      .where("certificate_not_after", "<", input.expiringBefore)
      .where("expiry_alerted_at", "is", null)
      .returningAll()
      .execute();
    const siteNames = await this.#siteNames([...failed, ...expiring].map((row) => row.site_id));
    const alert = (kind: DomainAlert["kind"]) => (row: Selectable<SiteDomainsTable>) => ({
      kind,
      siteName: siteNames.get(row.site_id) ?? `#${row.site_id}`,
      domain: toSiteDomain(row),
    });
    return [...failed.map(alert("failed")), ...expiring.map(alert("expiring"))];
  }

  async #siteNames(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom("sites")
      .select(["id", "name"])
      .where("id", "in", [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /**
   * Makes due now the domains of the operation's site that were put off because the site was busy (issuing or
   * removing, with a next attempt set): the operation that kept it busy has ended.
   */
  async makeDueAfterOperation(operationId: number): Promise<number> {
    const result = await this.#db
      .updateTable("site_domains")
      .set({ next_attempt_at: sql<Date>`now()` })
      .where("site_id", "=", (eb) => eb.selectFrom("operations").select("site_id").where("id", "=", operationId))
      .where("status", "in", ["issuing", "removing"])
      .where("next_attempt_at", ">", sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** When the next domain is due (site_domains_due serves it), or null when none is. */
  async earliestDue(): Promise<Date | null> {
    const row = await this.#db
      .selectFrom("site_domains")
      .select("next_attempt_at")
      .where("next_attempt_at", "is not", null)
      .orderBy("next_attempt_at")
      .limit(1)
      .executeTakeFirst();
    return row?.next_attempt_at ?? null;
  }

  /**
   * Up to `limit` domains whose check or renewal is due, oldest due first, each hidden from other checkers for
   * `leaseMs` (its next attempt moved past the lease in the same statement): several workers share the work and none
   * checks a domain twice at once; one that dies mid-check leaves the domain due again when the lease ends.
   */
  async claimDue(input: { now: Date; limit: number; leaseMs: number }): Promise<SiteDomainRecord[]> {
    const leaseEnd = new Date(input.now.getTime() + input.leaseMs);
    const rows = await this.#db
      .updateTable("site_domains")
      .set({ next_attempt_at: leaseEnd })
      .where("id", "in", (eb) =>
        eb
          .selectFrom("site_domains")
          .select("id")
          .where("next_attempt_at", "<=", input.now)
          .orderBy("next_attempt_at")
          .limit(input.limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    return rows.map(toSiteDomain);
  }
}

export function toSiteDomain(row: Selectable<SiteDomainsTable>): SiteDomainRecord {
  return {
    id: row.id,
    siteId: row.site_id as SiteId,
    domain: row.domain as CustomDomain,
    status: row.status,
    statusMessage: row.status_message,
    certificateNotAfter: row.certificate_not_after,
    failures: row.failures,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}
