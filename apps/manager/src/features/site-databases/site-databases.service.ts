import type { DatabaseHost, SiteStatementAnswer } from "@director/contracts/orchestrator-databases";
import type { AuditRepository } from "@director/db/audit.repository";
import type { DatabaseHostsRepository } from "@director/db/database-hosts.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteDatabasesRepository } from "@director/db/site-databases.repository";
import type { Actor } from "@director/domain/actor";
import type { DatabaseHostRecord } from "@director/domain/database-host";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import type { SiteRecord as Site, SiteId } from "@director/domain/site";
import {
  type DatabasePassword,
  generateDatabasePassword,
  parseDatabasePassword,
  type SiteDatabaseKind,
  type SiteDatabaseRecord,
} from "@director/domain/site-database";
import type { Wakeup } from "../../adapters/wakeup.js";
import type { SecretSealer } from "../database-hosts/database-host-checker.js";
import { operationPlans } from "../operations/operation-plans.js";
import type { SitesService } from "../sites/sites.service.js";
import { type SiteDatabaseConnection, siteDatabaseEnvironment, siteDatabaseUrl } from "./site-database-environment.js";
import type { OpenedSiteDatabase, SiteDatabaseHosting } from "./site-database-hosting.js";

type Repos = {
  databases: Pick<
    SiteDatabasesRepository,
    "chooseHost" | "create" | "findForSite" | "markRemoving" | "setNextPassword"
  >;
  operations: Pick<OperationsRepository, "create">;
  audit: Pick<AuditRepository, "record">;
};

export interface SiteDatabasesServiceDeps {
  sites: Pick<SitesService, "findForAction">;
  databases: Pick<SiteDatabasesRepository, "findForSite">;
  hosts: Pick<DatabaseHostsRepository, "findById">;
  /** the SQL console's statements and the database's size (the operations' steps use the rest) */
  hosting: Pick<SiteDatabaseHosting, "runStatement" | "size">;
  audit: Pick<AuditRepository, "record">;
  /** null when DIRECTOR_SECRETS_KEY is unset: no database can be made or opened (SECRETS_KEY_MISSING) */
  sealer: SecretSealer | null;
  wakeup: Wakeup;
  inTransaction<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
}

/** A site's database with the host it lives on (for members: what to show). */
export interface SiteDatabaseWithHost {
  record: SiteDatabaseRecord;
  host: DatabaseHostRecord;
}

/** The connections a site's own user may hold on its host. */
export const siteUserConnectionLimit = 20;

/**
 * A site's one database: members add it (choosing the kind), see how to connect, reveal and rotate its password, and
 * delete it. Each change writes the row and the operation that applies it in one transaction, so a refused operation
 * (SITE_BUSY) changes nothing, and the row says what a member may use: connection details only once it is `ready`.
 */
export class SiteDatabasesService {
  readonly #deps: SiteDatabasesServiceDeps;

  constructor(deps: SiteDatabasesServiceDeps) {
    this.#deps = deps;
  }

  /** Anyone who sees the site: its database (null: none) and the host it is on. */
  async get(actor: Actor, siteName: string): Promise<{ site: Site; database: SiteDatabaseWithHost | null }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "view");
    return { site, database: await this.#withHost(site.id) };
  }

  /**
   * The space a ready database takes on its host, in bytes; null when it is not ready or the host does not answer
   * (the page shows the rest of the database all the same).
   */
  async sizeOf(database: SiteDatabaseWithHost): Promise<number | null> {
    if (database.record.status !== "ready") return null;
    try {
      const opened = await this.open(database.record.siteId);
      return opened === null ? null : await this.#deps.hosting.size(opened.record.siteId, opened.connection);
    } catch {
      return null;
    }
  }

  /**
   * Members: adds the site's database on the accepting host of `kind` with the most room. SITE_DATABASE_EXISTS when
   * it has one, NO_DATABASE_HOST when no host takes it, SITE_BUSY while another operation runs; each changes nothing.
   */
  async create(
    actor: Actor,
    siteName: string,
    kind: SiteDatabaseKind,
  ): Promise<{ database: SiteDatabaseWithHost; operation: Operation }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const sealer = this.#sealer();
    const created = await this.#deps.inTransaction(async ({ databases, operations, audit }) => {
      if (await databases.findForSite(site.id)) throw exists(site);
      const chosen = await databases.chooseHost(kind);
      if (chosen === null) {
        throw new DirectorError(
          "NO_DATABASE_HOST",
          `No database host takes new ${kindNames[kind]} databases now; ask an administrator to add one or make room.`,
        );
      }
      const record = await databases.create({
        siteId: site.id,
        hostId: chosen.host.id,
        passwordEncrypted: sealer.seal(generateDatabasePassword()),
        createdBy: actor.id,
      });
      const operation = await operations.create(newOperation(site, actor, "create_site_database"));
      await audit.record({
        actorUserId: actor.id,
        action: "site.create_database",
        target: `site:${site.name}`,
        details: { kind, host: chosen.host.name },
      });
      return { database: { record, host: chosen.host }, operation };
    });
    this.#deps.wakeup.notify();
    return created;
  }

  /** Members: the password and the URL with it, on request only (audited; never in lists or live messages). */
  async revealPassword(actor: Actor, siteName: string): Promise<{ password: DatabasePassword; url: string }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const opened = await this.#openReady(site);
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "site.show_database_password",
      target: `site:${site.name}`,
      details: {},
    });
    return { password: opened.password, url: siteDatabaseUrl(connectionOf(opened, opened.password)) };
  }

  /** Members: a new password, set on the host and in the site's process (which restarts) by the operation. */
  async rotatePassword(actor: Actor, siteName: string): Promise<Operation> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const sealer = this.#sealer();
    await this.#openReady(site);
    const operation = await this.#deps.inTransaction(async ({ databases, operations, audit }) => {
      await databases.setNextPassword(site.id, sealer.seal(generateDatabasePassword()));
      const queued = await operations.create(newOperation(site, actor, "rotate_site_database_password"));
      await audit.record({
        actorUserId: actor.id,
        action: "site.rotate_database_password",
        target: `site:${site.name}`,
        details: {},
      });
      return queued;
    });
    this.#deps.wakeup.notify();
    return operation;
  }

  /**
   * Members: drops the site's database and its user, once `confirmName` is the site's name (CONFIRMATION_MISMATCH
   * otherwise). Also a database whose making failed: its removal is a no-op on the host for what was never made.
   */
  async delete(actor: Actor, siteName: string, confirmName: string | undefined): Promise<Operation> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    if (confirmName !== site.name) {
      const message = `Type the site's name, ${site.name}, to delete its database and everything in it.`;
      throw new DirectorError("CONFIRMATION_MISMATCH", message, { details: { fields: { confirmName: message } } });
    }
    const operation = await this.#deps.inTransaction(async ({ databases, operations, audit }) => {
      const record = await databases.findForSite(site.id);
      if (record === null) throw notFound(site);
      if (record.status === "removing") throw notReady(site, record);
      await databases.markRemoving(site.id);
      const queued = await operations.create(newOperation(site, actor, "delete_site_database"));
      await audit.record({
        actorUserId: actor.id,
        action: "site.delete_database",
        target: `site:${site.name}`,
        details: {},
      });
      return queued;
    });
    this.#deps.wakeup.notify();
    return operation;
  }

  /**
   * Members: runs one statement as the site's own database user (the SQL console). Its refusals are the engine's own
   * (422 SQL_STATEMENT_FAILED, SQL_STATEMENT_TIMEOUT); statements are not audited (they may hold the site's data).
   */
  async runStatement(
    actor: Actor,
    siteName: string,
    statement: { statement: string; timeoutMs: number; maxRows: number },
  ): Promise<SiteStatementAnswer> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "edit_files");
    const opened = await this.#openReady(site);
    return this.#deps.hosting.runStatement(site.id, opened.connection, opened.password, statement);
  }

  /** For the operations' steps: the site's database with its host and passwords opened; null when it has none. */
  async open(siteId: SiteId): Promise<OpenedSiteDatabase | null> {
    const found = await this.#withHost(siteId);
    if (found === null) return null;
    const sealer = this.#sealer();
    const { record, host } = found;
    const connection: DatabaseHost = {
      kind: host.kind,
      adminUrl: sealer.open(host.adminUrlEncrypted),
      connectionLimit: siteUserConnectionLimit,
    };
    const password = parseDatabasePassword(sealer.open(record.passwordEncrypted));
    const next = record.nextPasswordEncrypted;
    return {
      record,
      host,
      connection,
      password,
      nextPassword: next === null ? null : parseDatabasePassword(sealer.open(next)),
    };
  }

  /** The variables the site's code runs with: its ready database's (none while it is made or removed, or without one). */
  async environment(site: Pick<Site, "id">): Promise<Record<string, string>> {
    const record = await this.#deps.databases.findForSite(site.id);
    if (record === null || record.status !== "ready") return {};
    const opened = await this.open(site.id);
    return opened === null ? {} : siteDatabaseEnvironment(connectionOf(opened, opened.password));
  }

  async #withHost(siteId: SiteId): Promise<SiteDatabaseWithHost | null> {
    const record = await this.#deps.databases.findForSite(siteId);
    if (record === null) return null;
    const host = await this.#deps.hosts.findById(record.hostId);
    // The foreign key restricts deleting a host that holds databases.
    if (host === null) throw new Error(`site ${siteId}'s database host ${record.hostId} is missing`);
    return { record, host };
  }

  async #openReady(site: Site): Promise<OpenedSiteDatabase> {
    const opened = await this.open(site.id);
    if (opened === null) throw notFound(site);
    if (opened.record.status !== "ready") throw notReady(site, opened.record);
    return opened;
  }

  #sealer(): SecretSealer {
    if (this.#deps.sealer === null) {
      throw new DirectorError(
        "SECRETS_KEY_MISSING",
        "Site databases need DIRECTOR_SECRETS_KEY in the manager's environment; ask an administrator to set it.",
      );
    }
    return this.#deps.sealer;
  }
}

const kindNames: Record<SiteDatabaseKind, string> = { postgres: "PostgreSQL", mysql: "MariaDB/MySQL" };

type SiteDatabaseOperationKind = "create_site_database" | "rotate_site_database_password" | "delete_site_database";

function newOperation(site: Site, actor: Actor, kind: SiteDatabaseOperationKind) {
  return {
    siteId: site.id,
    siteName: site.name,
    kind,
    createdBy: actor.id,
    steps: operationPlans[kind].map(({ slug, name }) => ({ slug, name })),
  };
}

/** How the site's code reaches its database (the address sites use, not the admin's). */
function connectionOf(opened: OpenedSiteDatabase, password: DatabasePassword): SiteDatabaseConnection {
  const { host, record } = opened;
  if (record.name === null) throw new Error(`site ${record.siteId}'s database has no name yet`);
  return { kind: host.kind, host: host.siteHost, port: host.sitePort, name: record.name, password };
}

function exists(site: Site): DirectorError {
  return new DirectorError("SITE_DATABASE_EXISTS", `The site "${site.name}" has a database already; a site has one.`);
}

function notFound(site: Site): DirectorError {
  return new DirectorError("SITE_DATABASE_NOT_FOUND", `The site "${site.name}" has no database; add one first.`);
}

function notReady(site: Site, record: SiteDatabaseRecord): DirectorError {
  const doing = record.status === "removing" ? "being deleted" : "being made";
  return new DirectorError(
    "SITE_DATABASE_NOT_READY",
    `The database of "${site.name}" is ${doing}; wait for its operation to finish (or retry it if it failed).`,
  );
}
