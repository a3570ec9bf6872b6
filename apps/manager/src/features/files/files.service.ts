import type { DirectoryPageQuery, FileChange, FileChanged } from "@director/contracts/orchestrator-files";
import type { AuditRepository } from "@director/db/audit.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import type { SitesService } from "../sites/sites.service.js";
import type { FileWriteOptions, SiteFileStore } from "./site-file-store.js";

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

  async write(actor: Actor, siteName: string, rawPath: string, body: Buffer, options: FileWriteOptions = {}) {
    const path = parseSitePath(rawPath);
    if (body.byteLength > this.#maxUploadBytes) {
      throw new DirectorError("UPLOAD_TOO_LARGE", `A file may be at most ${this.#maxUploadBytes} bytes.`);
    }
    const site = await this.#readySite(actor, siteName, "edit_files");
    const written = await this.#files.write(site.id, path, body, options);
    await this.#audit.record({
      actorUserId: actor.id,
      action: "file.write",
      target: `site:${site.name}`,
      details: { path, sizeBytes: written.sizeBytes },
    });
    return written;
  }

  async remove(actor: Actor, siteName: string, rawPath: string, options: { recursive?: boolean } = {}): Promise<void> {
    const path = parseSitePath(rawPath);
    const site = await this.#readySite(actor, siteName, "edit_files");
    const recursive = options.recursive ?? false;
    await this.#files.remove(site.id, path, { recursive });
    await this.#audit.record({
      actorUserId: actor.id,
      action: "file.remove",
      target: `site:${site.name}`,
      details: { path, ...(recursive ? { recursive } : {}) },
    });
  }

  /** Makes a folder, moves or renames an entry, or changes its mode (see FileChange); audited as file.<action>. */
  async change(actor: Actor, siteName: string, rawPath: string, change: FileChange): Promise<FileChanged> {
    const path = parseSitePath(rawPath);
    // The target is checked here too, so that a bad one is a 400 that names the field before anything is asked.
    const checked = change.action === "move" ? { ...change, to: parseTarget(change.to) } : change;
    const site = await this.#readySite(actor, siteName, "edit_files");
    const changed = await this.#files.change(site.id, path, checked);
    await this.#audit.record({
      actorUserId: actor.id,
      action: `file.${change.action}`,
      target: `site:${site.name}`,
      details: {
        path,
        ...(checked.action === "move" ? { to: checked.to } : {}),
        ...(checked.action === "chmod" ? { mode: checked.mode } : {}),
      },
    });
    return changed;
  }

  /**
   * A folder (an empty path: the whole site) as a zip, with the name to save it under (`<site>.zip`,
   * `<site>-<folder>.zip`); audited as file.zip. Members only, like writing: a zip holds every file of the folder.
   */
  async zip(actor: Actor, siteName: string, rawPath: string, signal: AbortSignal) {
    const path = rawPath === "" ? null : parseSitePath(rawPath);
    const site = await this.#readySite(actor, siteName, "edit_files");
    const body = await this.#files.zip(site.id, path, signal);
    await this.#audit.record({
      actorUserId: actor.id,
      action: "file.zip",
      target: `site:${site.name}`,
      details: { path: path ?? "" },
    });
    const suffix = path === null ? "" : `-${path.replaceAll("/", "-")}`;
    return { fileName: `${site.name}${suffix}.zip`, body };
  }

  async #readySite(actor: Actor, siteName: string, action: "view" | "edit_files") {
    const site = await this.#sites.findForAction(actor, siteName, action);
    if (!site.readyAt) {
      throw new DirectorError("SITE_NOT_READY", `The site "${site.name}" is still being set up; try again shortly.`);
    }
    return site;
  }
}

/** A move's target, checked like any path; its errors name the field. */
function parseTarget(value: string): SitePath {
  try {
    return parseSitePath(value);
  } catch (error) {
    if (!(error instanceof DirectorError)) throw error;
    throw new DirectorError(error.code, `The target: ${error.message}`, { details: { field: "to" }, cause: error });
  }
}
