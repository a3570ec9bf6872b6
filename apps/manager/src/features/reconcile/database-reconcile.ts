/**
 * Reconcile's part for site databases: asks each registered database host (through the orchestrator, as its admin)
 * which sites of this installation it has a database or user of, compares that with the `site_databases` rows
 * (database-drift.ts), and removes leftovers. A host whose admin URL cannot be opened or that does not answer becomes
 * a note of the report; the rest of the run goes on.
 */
import type { DatabaseHost } from "@director/contracts/orchestrator-databases";
import type { DatabaseHostsRepository } from "@director/db/database-hosts.repository";
import type { SiteDatabasesRepository } from "@director/db/site-databases.repository";
import type { DatabaseHostRecord } from "@director/domain/database-host";
import { type ErrorCode, isDirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SecretSealer } from "../database-hosts/database-host-checker.js";
import type { SiteDatabaseHosting } from "../site-databases/site-database-hosting.js";
import { siteUserConnectionLimit } from "../site-databases/site-databases.service.js";
import {
  computeDatabaseDrift,
  type DatabaseHostInventory,
  type LeftoverDatabase,
  type MissingDatabase,
  stillMissing,
} from "./database-drift.js";

export interface DatabaseReconcileDeps {
  hosts: Pick<DatabaseHostsRepository, "list">;
  databases: Pick<SiteDatabasesRepository, "listAll" | "findForSite">;
  hosting: Pick<SiteDatabaseHosting, "inventory" | "remove">;
  /** null when DIRECTOR_SECRETS_KEY is unset: no host can be opened, and site databases are not checked */
  sealer: SecretSealer | null;
}

/** The hosts' inventories, read before the rows; `notes` names the hosts that could not be checked. */
export interface DatabaseSurvey {
  inventories: DatabaseHostInventory[];
  notes: string[];
  /** the opened hosts, by id, for the second inventory and the removals */
  connections: ReadonlyMap<number, { host: DatabaseHostRecord; connection: DatabaseHost }>;
}

/** What the survey and the rows say is wrong. */
export interface DatabaseDrift {
  leftovers: LeftoverDatabase[];
  missing: MissingDatabase[];
  notes: string[];
}

/** A host that cannot be checked now is a note, not a failed run: these are the refusals that say so. */
const hostProblems: readonly ErrorCode[] = ["SECRET_UNREADABLE", "DATABASE_HOST_UNAVAILABLE", "DATABASE_HOST_REJECTED"];

/** Finds site databases out of line with their hosts, and removes leftovers on a host. */
export class DatabaseReconcile {
  readonly #deps: DatabaseReconcileDeps;

  constructor(deps: DatabaseReconcileDeps) {
    this.#deps = deps;
  }

  /**
   * Every host's inventory (with `only`, the host of that site's database, if it has one). Read before the rows
   * (`compare`), so that a database being made meanwhile is never taken for a leftover.
   */
  async survey(only: { siteId: SiteId } | null): Promise<DatabaseSurvey> {
    const { sealer } = this.#deps;
    let hosts = await this.#deps.hosts.list();
    if (only !== null) {
      const record = await this.#deps.databases.findForSite(only.siteId);
      hosts = hosts.filter((host) => host.id === record?.hostId);
    }
    const survey: DatabaseSurvey & {
      connections: Map<number, { host: DatabaseHostRecord; connection: DatabaseHost }>;
    } = { inventories: [], notes: [], connections: new Map() };
    if (hosts.length === 0) return survey;
    if (sealer === null) {
      survey.notes.push("DIRECTOR_SECRETS_KEY is unset: site databases on the database hosts were not checked.");
      return survey;
    }
    for (const host of hosts) {
      try {
        const connection: DatabaseHost = {
          kind: host.kind,
          adminUrl: sealer.open(host.adminUrlEncrypted),
          connectionLimit: siteUserConnectionLimit,
        };
        survey.connections.set(host.id, { host, connection });
        survey.inventories.push(await this.#inventoryOf(host, connection));
      } catch (error) {
        survey.notes.push(hostNote(host, error));
      }
    }
    return survey;
  }

  /**
   * Reads the rows (after the survey) and compares. A ready database a host lacks is asked for once more, after the
   * rows: one made between the first inventory and the row read is there the second time.
   */
  async compare(survey: DatabaseSurvey, only: { siteId: SiteId } | null): Promise<DatabaseDrift> {
    if (survey.inventories.length === 0) return { leftovers: [], missing: [], notes: survey.notes };
    const rows =
      only === null
        ? await this.#deps.databases.listAll()
        : [await this.#deps.databases.findForSite(only.siteId)].filter((row) => row !== null);
    const { leftovers, missing } = computeDatabaseDrift({
      inventories: survey.inventories,
      rows,
      hasLeftovers: only === null,
    });
    const notes = [...survey.notes];
    const again: DatabaseHostInventory[] = [];
    for (const hostId of new Set(missing.map((entry) => entry.hostId))) {
      const opened = survey.connections.get(hostId);
      if (opened === undefined) continue;
      try {
        again.push(await this.#inventoryOf(opened.host, opened.connection));
      } catch (error) {
        notes.push(hostNote(opened.host, error));
      }
    }
    return { leftovers, missing: stillMissing(missing, again), notes };
  }

  /**
   * Drops a leftover database and user. The row is read once more first: a site that has since made a database on
   * that host owns it now (null: nothing was done).
   */
  async removeLeftover(survey: DatabaseSurvey, leftover: LeftoverDatabase): Promise<string | null> {
    const opened = survey.connections.get(leftover.hostId);
    if (opened === undefined) throw new Error(`database host ${leftover.hostId} was not surveyed`);
    const record = await this.#deps.databases.findForSite(leftover.siteId);
    if (record?.hostId === leftover.hostId) return null;
    await this.#deps.hosting.remove(leftover.siteId, opened.connection);
    return `Removed the database and its user from the database host ${opened.host.name}.`;
  }

  async #inventoryOf(host: DatabaseHostRecord, connection: DatabaseHost): Promise<DatabaseHostInventory> {
    return { host: { id: host.id, name: host.name }, siteIds: await this.#deps.hosting.inventory(connection) };
  }
}

/** The note for a host that could not be checked; anything but a host's own refusal is not expected and is thrown. */
function hostNote(host: DatabaseHostRecord, error: unknown): string {
  if (!isDirectorError(error) || !hostProblems.includes(error.code)) throw error;
  return `The database host ${host.name} was not checked: ${error.message} (${error.code})`;
}
