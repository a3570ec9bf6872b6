/** Sites and their members. */
import type { CustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import type { SiteAvailability, SiteId, SitePurpose, SiteRecord, SiteType } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import { type Selectable, sql } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import type { SitesTable, UserRole } from "./schema.js";
import { SiteFormerNamesRepository } from "./site-former-names.repository.js";

/** What creating a site needs; the name is already parsed and checked against reserved names. */
export interface NewSiteRecord {
  name: SiteName;
  type: SiteType;
  purpose: SitePurpose;
  description: string;
  /** users who may work on the site from the start */
  memberIds: readonly number[];
}

/** Reads and writes sites. */
export class SitesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Creates a site with its members (in one transaction); SITE_NAME_TAKEN when the name is in use. */
  async create(input: NewSiteRecord, trx: DatabaseHandle = this.#db): Promise<SiteRecord> {
    const insert = async (executor: DatabaseHandle): Promise<SiteRecord> => {
      await assertNameNotHeld(executor, input.name);
      const row = await executor
        .insertInto("sites")
        .values({ name: input.name, type: input.type, purpose: input.purpose, description: input.description })
        .returningAll()
        .executeTakeFirstOrThrow();
      const memberIds = [...new Set(input.memberIds)];
      if (memberIds.length === 0) return toSite(row);
      await executor
        .insertInto("site_members")
        .values(memberIds.map((userId) => ({ site_id: row.id, user_id: userId })))
        .execute();
      // each member row moved the revision on (migration 0010)
      const { revision } = await executor
        .selectFrom("sites")
        .select("revision")
        .where("id", "=", row.id)
        .executeTakeFirstOrThrow();
      return { ...toSite(row), revision };
    };
    try {
      return trx.isTransaction ? await insert(trx) : await trx.transaction().execute(insert);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.sitesName)) {
        throw new DirectorError(
          "SITE_NAME_TAKEN",
          `A site named "${input.name}" already exists; choose another name.`,
          {
            details: { field: "name" },
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /** The site with this name, or null. */
  async findByName(name: string, trx: DatabaseHandle = this.#db): Promise<SiteRecord | null> {
    const row = await trx.selectFrom("sites").selectAll().where("name", "=", name).executeTakeFirst();
    return row ? toSite(row) : null;
  }

  /** The site with this id, or null. */
  async findById(id: SiteId, trx: DatabaseHandle = this.#db): Promise<SiteRecord | null> {
    const row = await trx.selectFrom("sites").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toSite(row) : null;
  }

  /** Every site, by id (the reconciler compares them all with what the machines have). */
  async listAll(trx: DatabaseHandle = this.#db): Promise<SiteRecord[]> {
    const rows = await trx.selectFrom("sites").selectAll().orderBy("id").execute();
    return rows.map(toSite);
  }

  /**
   * Locks the site's row until the transaction ends, so that membership checks and changes (the last member must
   * stay) do not race each other. Only meaningful inside a transaction (a repository bound to one, or `trx`).
   */
  async lockForMemberChange(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<void> {
    await sql`select 1 from sites where id = ${siteId} for update`.execute(trx);
  }

  /** Adds a member; a no-op when they already are one. Returns whether they were added. */
  async addMember(siteId: SiteId, userId: number, trx: DatabaseHandle = this.#db): Promise<boolean> {
    const inserted = await trx
      .insertInto("site_members")
      .values({ site_id: siteId, user_id: userId })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Removes a member; a no-op when they are not one. Returns whether they were removed. */
  async removeMember(siteId: SiteId, userId: number, trx: DatabaseHandle = this.#db): Promise<boolean> {
    const deleted = await trx
      .deleteFrom("site_members")
      .where("site_id", "=", siteId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** How many members the site has. */
  async countMembers(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<number> {
    const row = await trx
      .selectFrom("site_members")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("site_id", "=", siteId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Sets the administrators' comment on the site ("" removes it). */
  async updateAdminComment(siteId: SiteId, comment: string, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.updateTable("sites").set({ admin_comment: comment }).where("id", "=", siteId).execute();
  }

  /** Sets the site's description. */
  async updateDescription(siteId: SiteId, description: string, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.updateTable("sites").set({ description }).where("id", "=", siteId).execute();
  }

  /** Usernames of a site's members, sorted. */
  /** The names of the sites `userId` is a member of, by name. */
  async namesForMember(userId: number, trx: DatabaseHandle = this.#db): Promise<string[]> {
    const rows = await trx
      .selectFrom("site_members")
      .innerJoin("sites", "sites.id", "site_members.site_id")
      .select("sites.name")
      .where("site_members.user_id", "=", userId)
      .orderBy("sites.name")
      .execute();
    return rows.map((row) => row.name);
  }

  async listMembers(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<string[]> {
    const rows = await trx
      .selectFrom("site_members")
      .innerJoin("users", "users.id", "site_members.user_id")
      .select("users.username")
      .where("site_members.site_id", "=", siteId)
      .orderBy("users.username")
      .execute();
    return rows.map((row) => row.username);
  }

  /** A site's members with what their site page shows of them, by username. */
  async listMemberDetails(
    siteId: SiteId,
    trx: DatabaseHandle = this.#db,
  ): Promise<Array<{ id: number; username: string; displayName: string; role: UserRole; lastLoginAt: Date | null }>> {
    return trx
      .selectFrom("site_members")
      .innerJoin("users", "users.id", "site_members.user_id")
      .select([
        "users.id",
        "users.username",
        "users.display_name as displayName",
        "users.role",
        "users.last_login_at as lastLoginAt",
      ])
      .where("site_members.site_id", "=", siteId)
      .orderBy("users.username")
      .execute();
  }

  /** Whether the user is a member of the site. */
  async isMember(siteId: SiteId, userId: number, trx: DatabaseHandle = this.#db): Promise<boolean> {
    const row = await trx
      .selectFrom("site_members")
      .select("site_id")
      .where("site_id", "=", siteId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Records that the site's create operation finished; keeps the first time when called again (steps are retried). */
  async markReady(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx
      .updateTable("sites")
      .set((eb) => ({ ready_at: eb.fn.coalesce("ready_at", eb.fn<Date>("now")) }))
      .where("id", "=", siteId)
      .execute();
  }

  /** Sets whether the site is served from its files (static) or runs its own process (dynamic). */
  /** A personal site given to someone else becomes a project site (the name stays). */
  /**
   * Gives the site a new name (a rename; the caller keeps the old one as a former name). SITE_NAME_TAKEN when a site
   * has the name or holds it as a former name of another site; a former name of this site is the caller's to release.
   */
  async rename(siteId: SiteId, name: SiteName, trx: DatabaseHandle = this.#db): Promise<void> {
    if (!trx.isTransaction) throw new Error("rename must run in a transaction");
    const holder = await new SiteFormerNamesRepository(trx).holder(name, trx);
    if (holder !== null && holder.siteId !== siteId) throw nameHeld(name, holder.expiresAt);
    try {
      await sql`SAVEPOINT site_rename`.execute(trx);
      await trx.updateTable("sites").set({ name }).where("id", "=", siteId).execute();
      await sql`RELEASE SAVEPOINT site_rename`.execute(trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT site_rename`.execute(trx);
      if (isUniqueViolation(error, constraintNames.sitesName)) {
        throw new DirectorError("SITE_NAME_TAKEN", `A site named "${name}" already exists; choose another name.`, {
          details: { field: "name" },
          cause: error,
        });
      }
      throw error;
    }
  }

  async updatePurpose(siteId: SiteId, purpose: SitePurpose, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.updateTable("sites").set({ purpose }).where("id", "=", siteId).execute();
  }

  async updateType(siteId: SiteId, type: SiteType, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.updateTable("sites").set({ type }).where("id", "=", siteId).execute();
  }

  /** Who may see the site: everyone, its members only (not served), or administrators only (disabled). */
  async updateAvailability(
    siteId: SiteId,
    availability: SiteAvailability,
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    await trx.updateTable("sites").set({ availability }).where("id", "=", siteId).execute();
  }

  /** Sets the site's resource limits; null puts a limit back to the platform default. */
  async updateLimits(
    siteId: SiteId,
    limits: { cpus: number | null; memoryMib: number | null; clientBodyLimitBytes: number | null },
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    await trx
      .updateTable("sites")
      .set({ cpus: limits.cpus, memory_mib: limits.memoryMib, client_body_limit_bytes: limits.clientBodyLimitBytes })
      .where("id", "=", siteId)
      .execute();
  }

  /** Records the image a site's build produced, with the choice it was built from (after a successful build only). */
  async updateImage(
    siteId: SiteId,
    image: { imageId: number; extraPackages: readonly string[]; imageRef: string },
    trx: DatabaseHandle = this.#db,
  ): Promise<void> {
    await trx
      .updateTable("sites")
      .set({ image_id: image.imageId, extra_packages: [...image.extraPackages], image_ref: image.imageRef })
      .where("id", "=", siteId)
      .execute();
  }

  /** Deletes the site and its memberships; its operations stay, with site_id null. A no-op when absent. */
  async delete(siteId: SiteId, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.deleteFrom("sites").where("id", "=", siteId).execute();
  }
}

/** Maps a `sites` row to a SiteRecord. */
export function toSite(row: Selectable<SitesTable>): SiteRecord {
  return {
    id: row.id as SiteId,
    name: row.name as SiteName,
    type: row.type,
    purpose: row.purpose,
    description: row.description,
    availability: row.availability,
    clientBodyLimitBytes: row.client_body_limit_bytes,
    cpus: row.cpus,
    memoryMib: row.memory_mib,
    imageId: row.image_id,
    extraPackages: row.extra_packages,
    imageRef: row.image_ref,
    adminComment: row.admin_comment,
    revision: row.revision,
    domains: row.domains as CustomDomain[],
    httpsDomains: row.https_domains as CustomDomain[],
    readyAt: row.ready_at,
    createdAt: row.created_at,
  };
}

/** A new site may not take a renamed site's former name while it is held (its redirect served, or not yet released). */
async function assertNameNotHeld(trx: DatabaseHandle, name: SiteName): Promise<void> {
  const formerNames = new SiteFormerNamesRepository(trx);
  await formerNames.lockNames([name], trx);
  const holder = await formerNames.holder(name, trx);
  if (holder !== null) throw nameHeld(name, holder.expiresAt);
}

function nameHeld(name: string, expiresAt: Date): DirectorError {
  const until = expiresAt.toISOString().slice(0, 10);
  return new DirectorError(
    "SITE_NAME_TAKEN",
    `"${name}" is a renamed site's former name, which redirects to its new name until ${until}; choose another name.`,
    { details: { field: "name", heldUntil: expiresAt.toISOString() } },
  );
}
