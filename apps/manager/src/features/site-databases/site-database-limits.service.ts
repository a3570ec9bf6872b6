import type { AuditRepository } from "@director/db/audit.repository";
import type { LargeSiteDatabase, SiteDatabasesRepository } from "@director/db/site-databases.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { SiteDatabaseRecord } from "@director/domain/site-database";
import type { SitesService } from "../sites/sites.service.js";
import type { DatabaseSizeCheck } from "./database-size-check.js";

export interface SiteDatabaseLimitsServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  databases: Pick<SiteDatabasesRepository, "setSizeLimit" | "listLargest" | "findForSite">;
  check: Pick<DatabaseSizeCheck, "checkSite">;
  audit: Pick<AuditRepository, "record">;
  /** the installation's limit for a database without its own (null: none) */
  defaultLimitBytes: number | null;
}

/**
 * Administrators' side of site databases' size limits: one database's own limit (applied at once: the database is
 * measured and its writes stopped or allowed before the answer), and the largest databases of the installation.
 */
export class SiteDatabaseLimitsService {
  readonly #deps: SiteDatabaseLimitsServiceDeps;

  constructor(deps: SiteDatabaseLimitsServiceDeps) {
    this.#deps = deps;
  }

  get defaultLimitBytes(): number | null {
    return this.#deps.defaultLimitBytes;
  }

  /**
   * Sets the site's database's own limit (null: back to the default). SITE_DATABASE_NOT_FOUND when it has none. When
   * the database's host does not answer, the limit is kept and applied by the next background pass.
   */
  async setSizeLimit(actor: Actor, siteName: string, sizeLimitBytes: number | null): Promise<SiteDatabaseRecord> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "administer");
    if (!(await this.#deps.databases.setSizeLimit(site.id, sizeLimitBytes))) {
      throw new DirectorError("SITE_DATABASE_NOT_FOUND", `The site "${site.name}" has no database to limit.`);
    }
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "site.set_database_size_limit",
      target: `site:${site.name}`,
      details: { sizeLimitBytes },
    });
    const checked = await this.#deps.check.checkSite(site.id).catch(() => null);
    // null: the host did not answer (or the database went meanwhile); the row has the limit, and the background
    // check applies it once the host answers
    const record = checked ?? (await this.#deps.databases.findForSite(site.id));
    if (record === null) throw new DirectorError("SITE_DATABASE_NOT_FOUND", `The site "${site.name}" has no database.`);
    return record;
  }

  /** Administrators: the largest databases as last measured. */
  async largest(actor: Actor, limit: number): Promise<LargeSiteDatabase[]> {
    if (!actor.isSuperuser) {
      throw new DirectorError("FORBIDDEN", "Only administrators see every site's database.");
    }
    return this.#deps.databases.listLargest(limit);
  }
}
