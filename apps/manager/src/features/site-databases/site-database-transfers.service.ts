import { type Readable, Transform } from "node:stream";
import type { SiteDatabaseImportAnswer } from "@director/contracts/orchestrator-database-transfers";
import type { DatabaseHost } from "@director/contracts/orchestrator-databases";
import type { AuditRepository } from "@director/db/audit.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { SiteRecord as Site, SiteId } from "@director/domain/site";
import type { DatabasePassword } from "@director/domain/site-database";
import type { SitesService } from "../sites/sites.service.js";
import type { OpenedSiteDatabase } from "./site-database-hosting.js";
import type { SiteDatabasesService } from "./site-databases.service.js";

/** What exports and imports ask of the orchestrator, which runs the engine's tools as the site's user. */
export interface SiteDatabaseDumps {
  /** the dump as it is made; `signal` ends it */
  export(
    siteId: SiteId,
    host: DatabaseHost,
    password: DatabasePassword,
    signal: AbortSignal,
  ): Promise<AsyncIterable<Buffer>>;
  /** sends `dump` whole (at most `maxBytes`) and answers once it has been restored */
  import(
    siteId: SiteId,
    access: { host: DatabaseHost; password: DatabasePassword; maxBytes: number },
    dump: Readable,
    signal: AbortSignal,
  ): Promise<SiteDatabaseImportAnswer>;
}

export interface SiteDatabaseTransfersDeps {
  sites: Pick<SitesService, "findForAction">;
  databases: Pick<SiteDatabasesService, "open">;
  dumps: SiteDatabaseDumps;
  audit: Pick<AuditRepository, "record">;
  /** the largest dump an import takes (DIRECTOR_MAX_DATABASE_IMPORT_BYTES) */
  maxImportBytes: number;
  /** today's date for the file's name; default the clock's */
  today?: () => Date;
}

/** The file an export is saved as, by the dump's format. */
const extensions = { postgres: "dump", mysql: "sql" } as const;

/**
 * Members export their site's database as a download and import a dump into it, both as the site's own database
 * user (the orchestrator runs the tools; apps/orchestrator/src/adapters/*-site-dumps.ts say why they are safe).
 * Audited: site.export_database, site.import_database (with the size; never the content).
 */
export class SiteDatabaseTransfersService {
  readonly #deps: SiteDatabaseTransfersDeps;

  constructor(deps: SiteDatabaseTransfersDeps) {
    this.#deps = deps;
  }

  /** The dump as it is made, and the name to save it under (`<site>-<yyyy-mm-dd>.dump` or `.sql`). */
  async export(actor: Actor, siteName: string, signal: AbortSignal) {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const opened = await this.#openReady(site);
    const body = await this.#deps.dumps.export(site.id, opened.connection, opened.password, signal);
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "site.export_database",
      target: `site:${site.name}`,
      details: {},
    });
    const date = (this.#deps.today?.() ?? new Date()).toISOString().slice(0, 10);
    return { fileName: `${site.name}-${date}.${extensions[opened.host.kind]}`, body };
  }

  /**
   * Restores `upload` into the site's database. A declared length past the limit is refused before a byte is read;
   * an upload that grows past it is cut (the orchestrator then runs nothing) and refused with the same 413.
   */
  async import(
    actor: Actor,
    siteName: string,
    upload: Readable,
    declaredBytes: number | null,
    signal: AbortSignal,
  ): Promise<SiteDatabaseImportAnswer> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const opened = await this.#openReady(site);
    const maxBytes = this.#deps.maxImportBytes;
    if (declaredBytes !== null && declaredBytes > maxBytes) throw tooLarge(maxBytes);
    let isTooLarge = false;
    let bytes = 0;
    const limited = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          isTooLarge = true;
          done(tooLarge(maxBytes));
        } else done(null, chunk);
      },
    });
    upload.once("error", (error) => limited.destroy(error));
    upload.pipe(limited);
    const access = { host: opened.connection, password: opened.password, maxBytes };
    try {
      const answer = await this.#deps.dumps.import(site.id, access, limited, signal);
      await this.#deps.audit.record({
        actorUserId: actor.id,
        action: "site.import_database",
        target: `site:${site.name}`,
        details: { bytes: answer.bytes },
      });
      return answer;
    } catch (error) {
      if (isTooLarge) throw tooLarge(maxBytes);
      throw error;
    } finally {
      upload.unpipe(limited);
    }
  }

  async #openReady(site: Site): Promise<OpenedSiteDatabase> {
    const opened = await this.#deps.databases.open(site.id);
    if (opened === null) {
      throw new DirectorError("SITE_DATABASE_NOT_FOUND", `The site "${site.name}" has no database; add one first.`);
    }
    if (opened.record.status !== "ready") {
      throw new DirectorError(
        "SITE_DATABASE_NOT_READY",
        `The database of "${site.name}" is being made or deleted; wait for its operation to finish.`,
      );
    }
    return opened;
  }
}

function tooLarge(maxBytes: number): DirectorError {
  return new DirectorError(
    "DATABASE_IMPORT_TOO_LARGE",
    `The dump is larger than the import limit of ${maxBytes} bytes; nothing of it was run.`,
    { details: { maxBytes } },
  );
}
