import type { DirectoryPageQuery } from "@director/contracts/orchestrator-files";
import type { AuditRepository } from "@director/db/audit.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import { parseSitePath } from "@director/domain/site-path";
import type { SitesService } from "../sites/sites.service.js";
import type { FileMode, SiteFileStore } from "./site-file-store.js";

/** Reading and writing a site's files on behalf of a user allowed to. */
export class FilesService {
  readonly #sites: Pick<SitesService, "findForAction">;
  readonly #files: SiteFileStore;
  readonly #audit: Pick<AuditRepository, "record">;
  readonly #maxUploadBytes: number;

  constructor(deps: {
    sites: Pick<SitesService, "findForAction">;
    files: SiteFileStore;
    audit: Pick<AuditRepository, "record">;
    maxUploadBytes: number;
  }) {
    this.#sites = deps.sites;
    this.#files = deps.files;
    this.#audit = deps.audit;
    this.#maxUploadBytes = deps.maxUploadBytes;
  }

  /** A file's bytes or one page of a directory's listing; an empty path lists the site's top directory. */
  async read(actor: Actor, siteName: string, rawPath: string, page: DirectoryPageQuery) {
    const site = await this.#readySite(actor, siteName, "view");
    return this.#files.read(site.id, rawPath === "" ? null : parseSitePath(rawPath), page);
  }

  async write(actor: Actor, siteName: string, rawPath: string, body: Buffer, mode?: FileMode) {
    const path = parseSitePath(rawPath);
    if (body.byteLength > this.#maxUploadBytes) {
      throw new DirectorError("UPLOAD_TOO_LARGE", `A file may be at most ${this.#maxUploadBytes} bytes.`);
    }
    const site = await this.#readySite(actor, siteName, "edit_files");
    const written = await this.#files.write(site.id, path, body, mode);
    await this.#audit.record({
      actorUserId: actor.id,
      action: "file.write",
      target: `site:${site.name}`,
      details: { path, sizeBytes: written.sizeBytes },
    });
    return written;
  }

  async remove(actor: Actor, siteName: string, rawPath: string): Promise<void> {
    const path = parseSitePath(rawPath);
    const site = await this.#readySite(actor, siteName, "edit_files");
    await this.#files.remove(site.id, path);
    await this.#audit.record({
      actorUserId: actor.id,
      action: "file.remove",
      target: `site:${site.name}`,
      details: { path },
    });
  }

  async #readySite(actor: Actor, siteName: string, action: "view" | "edit_files") {
    const site = await this.#sites.findForAction(actor, siteName, action);
    if (!site.readyAt) {
      throw new DirectorError("SITE_NOT_READY", `The site "${site.name}" is still being set up; try again shortly.`);
    }
    return site;
  }
}
