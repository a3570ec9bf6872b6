import type { ArchiveSitesRequest } from "@director/contracts/orchestrator-archive";
import { maxArchivedSites } from "@director/contracts/orchestrator-archive";
import type { AuditRepository } from "@director/db/audit.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { SiteDatabasesService } from "../site-databases/site-databases.service.js";
import type { SitesService } from "../sites/sites.service.js";

/** What the orchestrator makes of the request: one zip, streamed. */
export interface SitesArchiver {
  archive(request: ArchiveSitesRequest, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
}

export interface AccountArchiveDeps {
  /** the names of the sites a person is a member of */
  memberSites(userId: number): Promise<string[]>;
  sites: Pick<SitesService, "findForAction">;
  databases: Pick<SiteDatabasesService, "open">;
  archiver: SitesArchiver;
  audit: Pick<AuditRepository, "record">;
  today?: () => Date;
}

/**
 * All of a person's sites in one zip: what a graduating student takes with them, or anyone's backup. Every site they
 * may change is in it (files, and the database's dump when it has a ready one); a site an administrator disabled is
 * left out, as its files and database are for its members to change no longer. Audited (account.download_archive).
 */
export class AccountArchiveService {
  readonly #deps: AccountArchiveDeps;

  constructor(deps: AccountArchiveDeps) {
    this.#deps = deps;
  }

  async archive(actor: Actor, signal: AbortSignal): Promise<{ fileName: string; body: AsyncIterable<Buffer> }> {
    const names = await this.#deps.memberSites(actor.id);
    const sites: ArchiveSitesRequest["sites"] = [];
    for (const name of names.slice(0, maxArchivedSites)) {
      let site: Awaited<ReturnType<SitesService["findForAction"]>>;
      try {
        site = await this.#deps.sites.findForAction(actor, name, "edit_files");
      } catch (error) {
        if (isDirectorError(error) && error.kind === "user") continue; // disabled, or gone meanwhile
        throw error;
      }
      if (site.readyAt === null) continue; // still being made: nothing on disk yet
      const opened = await this.#deps.databases.open(site.id);
      const database =
        opened !== null && opened.record.status === "ready"
          ? { host: opened.connection, password: opened.password }
          : null;
      sites.push({ id: site.id, name: site.name, database });
    }
    if (sites.length === 0) {
      throw new DirectorError("NOT_FOUND", "You have no site to download (a site being made or disabled is left out).");
    }
    const body = await this.#deps.archiver.archive({ sites }, signal);
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "account.download_archive",
      target: `user:${actor.username}`,
      details: { sites: sites.map((site) => site.name) },
    });
    const date = (this.#deps.today?.() ?? new Date()).toISOString().slice(0, 10);
    return { fileName: `director-${actor.username}-${date}.zip`, body };
  }
}
