import { isIP } from "node:net";
import type {
  createDatabaseHostRequestSchema,
  updateDatabaseHostRequestSchema,
} from "@director/contracts/manager-routes-database-hosts";
import { databaseHostSchema } from "@director/contracts/orchestrator-databases";
import type { AuditRepository } from "@director/db/audit.repository";
import type { DatabaseHostFields, DatabaseHostsRepository } from "@director/db/database-hosts.repository";
import type { Actor } from "@director/domain/actor";
import { type DatabaseHostRecord, parseDatabaseHostName } from "@director/domain/database-host";
import { DirectorError } from "@director/domain/errors";
import type { z } from "zod";
import type { DatabaseHostChecker, SecretSealer } from "./database-host-checker.js";
import { canManageDatabaseHosts } from "./database-hosts.policy.js";
import { databaseHostAuditDetails } from "./database-hosts.presenter.js";

export interface DatabaseHostsServiceDeps {
  hosts: Pick<DatabaseHostsRepository, "list" | "findByName" | "create" | "update" | "delete">;
  audit: Pick<AuditRepository, "record">;
  checker: DatabaseHostChecker;
  /** null when DIRECTOR_SECRETS_KEY is unset: every call is refused with SECRETS_KEY_MISSING */
  sealer: SecretSealer | null;
}

type CreateInput = z.output<typeof createDatabaseHostRequestSchema>;
type UpdateInput = z.output<typeof updateDatabaseHostRequestSchema>;

/** A host with its admin URL opened, for the one call that needs it (the presenter, the check). */
export interface OpenedDatabaseHost {
  host: DatabaseHostRecord;
  adminUrl: string;
}

/**
 * The connections a site's user may hold, as the orchestrator's contract asks of every host; the check itself does not
 * use it (site databases will take it from the host's settings when they are made).
 */
const checkConnectionLimit = 20;

/** Database hosts for site databases: administrators register, change and remove them; each admin URL kept sealed. */
export class DatabaseHostsService {
  readonly #deps: DatabaseHostsServiceDeps;

  constructor(deps: DatabaseHostsServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor): Promise<OpenedDatabaseHost[]> {
    const sealer = this.#assertCanManage(actor);
    return (await this.#deps.hosts.list()).map((host) => ({ host, adminUrl: sealer.open(host.adminUrlEncrypted) }));
  }

  /** Checks the host through the orchestrator first: a refusal is that error, and nothing is stored. */
  async create(actor: Actor, input: CreateInput): Promise<OpenedDatabaseHost> {
    const sealer = this.#assertCanManage(actor);
    const name = parseDatabaseHostName(input.name);
    if (await this.#deps.hosts.findByName(name)) throw nameTaken(name);
    checkSiteHost(input.siteHost);
    await this.#check(input.kind, input.adminUrl);
    const host = await this.#deps.hosts.create({
      name,
      kind: input.kind,
      siteHost: input.siteHost,
      sitePort: input.sitePort,
      adminUrlEncrypted: sealer.seal(input.adminUrl),
      maxDatabases: input.maxDatabases,
      isAccepting: input.isAccepting,
    });
    await this.#audit(actor, "database-host.create", host, Object.keys(input));
    return { host, adminUrl: input.adminUrl };
  }

  /** Changes any field; a new admin URL (or kind) is checked again before anything is stored. */
  async update(actor: Actor, name: string, change: UpdateInput): Promise<OpenedDatabaseHost> {
    const sealer = this.#assertCanManage(actor);
    const current = await this.#find(name);
    const adminUrl = change.adminUrl ?? sealer.open(current.adminUrlEncrypted);
    const kind = change.kind ?? current.kind;
    if (change.siteHost !== undefined) checkSiteHost(change.siteHost);
    if (change.adminUrl !== undefined || kind !== current.kind) await this.#check(kind, adminUrl);
    const fields: DatabaseHostFields = {
      name: change.name === undefined ? current.name : parseDatabaseHostName(change.name),
      kind,
      siteHost: change.siteHost ?? current.siteHost,
      sitePort: change.sitePort ?? current.sitePort,
      adminUrlEncrypted: change.adminUrl === undefined ? current.adminUrlEncrypted : sealer.seal(change.adminUrl),
      maxDatabases: change.maxDatabases ?? current.maxDatabases,
      isAccepting: change.isAccepting ?? current.isAccepting,
    };
    const host = await this.#deps.hosts.update(current.id, fields);
    const changed = Object.entries(change).filter(([, value]) => value !== undefined);
    await this.#audit(
      actor,
      "database-host.update",
      host,
      changed.map(([field]) => field),
    );
    return { host, adminUrl };
  }

  async delete(actor: Actor, name: string): Promise<void> {
    this.#assertCanManage(actor);
    const host = await this.#find(name);
    await this.#deps.hosts.delete(host.id);
    await this.#audit(actor, "database-host.delete", host, []);
  }

  async #find(name: string): Promise<DatabaseHostRecord> {
    const host = await this.#deps.hosts.findByName(name);
    if (!host) throw new DirectorError("DATABASE_HOST_NOT_FOUND", `There is no database host named "${name}".`);
    return host;
  }

  /** The kind and URL together (a PATCH may change one), then the orchestrator's check of the admin account. */
  async #check(kind: CreateInput["kind"], adminUrl: string): Promise<void> {
    const parsed = databaseHostSchema.safeParse({ kind, adminUrl, connectionLimit: checkConnectionLimit });
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "is not an admin URL of this kind";
      throw new DirectorError("VALIDATION_FAILED", message, { details: { fields: { adminUrl: message } } });
    }
    await this.#deps.checker.check(parsed.data);
  }

  #assertCanManage(actor: Actor): SecretSealer {
    if (!canManageDatabaseHosts(actor))
      throw new DirectorError("FORBIDDEN", "Only administrators manage database hosts.");
    if (this.#deps.sealer === null) {
      throw new DirectorError(
        "SECRETS_KEY_MISSING",
        "Database hosts need DIRECTOR_SECRETS_KEY (32 bytes, base64: `openssl rand -base64 32`) in the manager's environment.",
      );
    }
    return this.#deps.sealer;
  }

  /** Never the admin URL: only which fields changed, and the host's public settings. */
  async #audit(actor: Actor, action: string, host: DatabaseHostRecord, fields: string[]): Promise<void> {
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action,
      target: `database-host:${host.name}`,
      details: databaseHostAuditDetails(host, fields),
    });
  }
}

function nameTaken(name: string): DirectorError {
  return new DirectorError("DATABASE_HOST_NAME_TAKEN", `A database host named "${name}" exists; choose another name.`, {
    details: { fields: { name: "is taken" } },
  });
}

/** The schema allowed IPv6 characters loosely; a value with a colon must be an IPv6 address. */
function checkSiteHost(siteHost: string): void {
  if (siteHost.includes(":") && isIP(siteHost) !== 6) {
    throw new DirectorError("VALIDATION_FAILED", "The site address is not a hostname or an IP address.", {
      details: { fields: { siteHost: "must be a hostname or an IP address" } },
    });
  }
}
