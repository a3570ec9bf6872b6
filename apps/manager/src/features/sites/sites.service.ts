import type { SiteLimitsRequest } from "@director/contracts/manager-site-settings";
import type { AuditRepository } from "@director/db/audit.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteFormerNamesRepository } from "@director/db/site-former-names.repository";
import type { SiteListEntry, SiteListingQuery } from "@director/db/site-listing.query";
import type { SitesRepository } from "@director/db/sites.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import { parsePackageList } from "@director/domain/package-name";
import type { SiteRecord as Site, SiteAvailability, SitePurpose, SiteType } from "@director/domain/site";
import { assertSiteNameAllowed, parseSiteName, type ReservedSiteNames } from "@director/domain/site-name";
import { parseSiteSearch } from "@director/domain/site-search";
import type { Wakeup } from "../../adapters/wakeup.js";
import type { ImagesService } from "../images/images.service.js";
import { operationPlans, type UpdateImageInput } from "../operations/operation-plans.js";
import { recordNewSite } from "./record-new-site.js";
import type { SiteAccessChanges } from "./site-access-changes.js";
import { canActOnSite, canCreateSite, type SiteAction } from "./sites.policy.js";

export interface SitesServiceDeps {
  sites: Pick<
    SitesRepository,
    | "create"
    | "findByName"
    | "updateDescription"
    | "updateAdminComment"
    | "listMembers"
    | "isMember"
    | "delete"
    | "updateType"
    | "updateAvailability"
    | "updateLimits"
    | "rename"
  >;
  operations: Pick<OperationsRepository, "create" | "findActiveForSite" | "findLatestForSite">;
  /** renamed sites' former names, held and redirected for `renamedRedirectDays` */
  siteFormerNames: Pick<SiteFormerNamesRepository, "lockNames" | "holder" | "hold" | "release">;
  renamedRedirectDays: number;
  audit: Pick<AuditRepository, "record">;
  /** published images, looked up with their policy (a hidden one is no image for a non-administrator) */
  images: Pick<ImagesService, "findForAction" | "nameOf">;
  /** pages of the site list, each site with what the list shows of it */
  listing: Pick<SiteListingQuery, "page">;
  wakeup: Wakeup;
  /** told when a site's availability changes, so that open terminals check their access at once */
  accessChanges?: Pick<SiteAccessChanges, "notify">;
  reservedNames: ReservedSiteNames;
  /** runs `work` in one database transaction, handing it repositories bound to that transaction */
  inTransaction<T>(
    work: (repos: Pick<SitesServiceDeps, "sites" | "operations" | "audit" | "siteFormerNames">) => Promise<T>,
  ): Promise<T>;
}

export interface CreateSiteInput {
  /** optional for a personal site: it is named after its owner */
  name?: string | undefined;
  type: SiteType;
  purpose: SitePurpose;
  description: string;
}

/** Creating, finding and deleting sites; the slow parts run as operations in the worker. */
export class SitesService {
  readonly #deps: SitesServiceDeps;

  constructor(deps: SitesServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Records the site (its creator its first member) and its create operation in one transaction, then wakes a
   * worker. A personal site without a name is named after its creator.
   */
  async create(actor: Actor, input: CreateSiteInput): Promise<{ site: Site; operation: Operation }> {
    const requestedName = input.name ?? (input.purpose === "personal" ? actor.username : undefined);
    if (requestedName === undefined) {
      throw new DirectorError("VALIDATION_FAILED", "A site needs a name.", {
        details: { fields: { name: "required unless the purpose is personal" } },
      });
    }
    if (!canCreateSite(actor, { purpose: input.purpose, name: requestedName })) {
      throw new DirectorError(
        "FORBIDDEN",
        input.purpose === "personal"
          ? "Your personal site is named after your username; you may not create one for someone else."
          : `You may not create ${input.purpose} sites; ask for one with a site request, or ask an administrator.`,
      );
    }
    const name = parseSiteName(requestedName);
    assertSiteNameAllowed(name, this.#deps.reservedNames);
    const created = await this.#deps.inTransaction((repos) =>
      recordNewSite(repos, {
        name,
        type: input.type,
        purpose: input.purpose,
        description: input.description.trim(),
        memberIds: [actor.id],
        createdBy: actor.id,
      }),
    );
    this.#deps.wakeup.notify();
    return created;
  }

  /** Members: a new description (shown on the site's page and matched by the search). */
  async updateDescription(actor: Actor, siteName: string, description: string): Promise<Site> {
    const site = await this.findForAction(actor, siteName, "edit_description");
    const trimmed = description.trim();
    await this.#deps.inTransaction(async ({ sites, audit }) => {
      await sites.updateDescription(site.id, trimmed);
      await audit.record({
        actorUserId: actor.id,
        action: "site.update_description",
        target: `site:${site.name}`,
        details: {},
      });
    });
    return { ...site, description: trimmed };
  }

  /** Administrators only: the comment the site's members see on its page (why it is disabled, what to do). */
  async updateAdminComment(actor: Actor, siteName: string, comment: string): Promise<Site> {
    const site = await this.findForAction(actor, siteName, "administer");
    const trimmed = comment.trim();
    await this.#deps.inTransaction(async ({ sites, audit }) => {
      await sites.updateAdminComment(site.id, trimmed);
      await audit.record({
        actorUserId: actor.id,
        action: "site.update_admin_comment",
        target: `site:${site.name}`,
        details: { comment: trimmed },
      });
    });
    return { ...site, adminComment: trimmed };
  }

  /** Switches a site between static and dynamic: the new type is recorded with the operation that applies it. */
  async changeType(actor: Actor, siteName: string, type: SiteType): Promise<Operation> {
    const site = await this.findForAction(actor, siteName, "edit_files");
    if (site.type === type) {
      throw new DirectorError("VALIDATION_FAILED", `The site "${site.name}" is already ${type}.`, {
        details: { field: "type" },
      });
    }
    return this.#queue(actor, site, "change_site_type", async ({ sites }) => sites.updateType(site.id, type));
  }

  /**
   * Members: a new name for a site that is not a personal one (that is named after its owner). The new name is the
   * site's at once, with the operation that moves the machines to it; the old one redirects to it for
   * `renamedRedirectDays` and no new site may take it meanwhile. Renaming back to a former name of the site's own
   * takes it back. SITE_NAME_TAKEN when another site has or holds the name; SITE_BUSY while another operation runs.
   */
  async rename(actor: Actor, siteName: string, newName: string): Promise<{ site: Site; operation: Operation }> {
    const site = await this.findForAction(actor, siteName, "edit_description");
    if (site.purpose === "personal") {
      throw new DirectorError(
        "SITE_RENAME_UNSUPPORTED",
        `"${site.name}" is a personal site, named after its owner; it cannot be renamed.`,
      );
    }
    const name = parseSiteName(newName);
    if (name === site.name) {
      throw new DirectorError("VALIDATION_FAILED", `The site is already named "${name}".`, {
        details: { fields: { name: "is the site's current name" } },
      });
    }
    assertSiteNameAllowed(name, this.#deps.reservedNames);
    const expiresAt = new Date(Date.now() + this.#deps.renamedRedirectDays * 24 * 60 * 60 * 1000);
    const operation = await this.#deps.inTransaction(async ({ sites, operations, audit, siteFormerNames }) => {
      await siteFormerNames.lockNames([site.name, name]);
      // Queued first: SITE_BUSY refuses the rename before anything is written.
      const queued = await operations.create({
        siteId: site.id,
        siteName: name,
        kind: "rename_site",
        createdBy: actor.id,
        steps: operationPlans.rename_site.map(({ slug, name: stepName }) => ({ slug, name: stepName })),
        input: { from: site.name, to: name },
      });
      // Read again under the locks: a rename that ended since the site was read changed the name being given up.
      if ((await sites.findByName(site.name))?.id !== site.id) {
        throw new DirectorError(
          "SITE_BUSY",
          `The site "${site.name}" was just renamed; reload the page and try again.`,
        );
      }
      const held = await siteFormerNames.holder(name);
      await sites.rename(site.id, name);
      if (held?.siteId === site.id) await siteFormerNames.release(name);
      await siteFormerNames.hold(site.id, site.name, expiresAt);
      await audit.record({
        actorUserId: actor.id,
        action: "site.rename",
        target: `site:${name}`,
        details: { from: site.name, to: name, redirectUntil: expiresAt.toISOString() },
      });
      return queued;
    });
    this.#deps.wakeup.notify();
    return { site: { ...site, name }, operation };
  }

  /** Restarts a dynamic site's process. */
  async restart(actor: Actor, siteName: string): Promise<Operation> {
    const site = await this.findForAction(actor, siteName, "edit_files");
    if (site.type !== "dynamic") {
      throw new DirectorError(
        "SITE_TYPE_UNSUPPORTED",
        `The site "${site.name}" is static: it has no process to restart.`,
      );
    }
    return this.#queue(actor, site, "restart_site");
  }

  /** Administrators only: serve the site to everyone, to its members only, or to nobody but administrators. */
  async setAvailability(actor: Actor, siteName: string, availability: SiteAvailability): Promise<Operation> {
    const site = await this.findForAction(actor, siteName, "administer");
    const operation = await this.#queue(actor, site, "update_availability", ({ sites }) =>
      sites.updateAvailability(site.id, availability),
    );
    this.#deps.accessChanges?.notify(site.id);
    return operation;
  }

  /** Administrators only: the site's CPU, memory and request body limits (null: the platform default). */
  async setLimits(actor: Actor, siteName: string, limits: SiteLimitsRequest): Promise<Operation> {
    const site = await this.findForAction(actor, siteName, "administer");
    const merged = {
      cpus: limits.cpus === undefined ? site.cpus : limits.cpus,
      memoryMib: limits.memoryMib === undefined ? site.memoryMib : limits.memoryMib,
      clientBodyLimitBytes:
        limits.clientBodyLimitBytes === undefined ? site.clientBodyLimitBytes : limits.clientBodyLimitBytes,
    };
    return this.#queue(actor, site, "update_limits", ({ sites }) => sites.updateLimits(site.id, merged));
  }

  /**
   * Members: the published image the site runs and its extra packages. Checked now (unknown image, bad package names,
   * packages for an image that takes none), then queued with the request as the operation's input: the site row
   * keeps its current image until the build has succeeded, so a failed build changes nothing.
   */
  async changeImage(
    actor: Actor,
    siteName: string,
    request: { image: string; packages: readonly string[]; writeRunScript?: boolean },
  ): Promise<Operation> {
    const site = await this.findForAction(actor, siteName, "edit_files");
    const image = await this.#deps.images.findForAction(actor, request.image, "use");
    const packages = parsePackageList(request.packages);
    if (packages.length > 0 && image.installCommandPrefix.trim() === "") {
      throw new DirectorError("VALIDATION_FAILED", `The image "${image.name}" cannot install extra packages.`, {
        details: { fields: { packages: "must be empty for this image" } },
      });
    }
    const writeRunScript = request.writeRunScript ?? false;
    if (writeRunScript && image.runShTemplate.trim() === "") {
      throw new DirectorError("VALIDATION_FAILED", `The image "${image.name}" has no run.sh template to write.`, {
        details: { fields: { writeRunScript: "this image has no run.sh template" } },
      });
    }
    const input: UpdateImageInput = { imageId: image.id, packages, writeRunScript };
    return this.#queue(actor, site, "update_image", undefined, input);
  }

  async #queue(
    actor: Actor,
    site: Site,
    kind: "change_site_type" | "restart_site" | "update_availability" | "update_limits" | "update_image",
    change?: (repos: Pick<SitesServiceDeps, "sites">) => Promise<void>,
    input?: Record<string, unknown>,
  ): Promise<Operation> {
    const operation = await this.#deps.inTransaction(async (repos) => {
      const queued = await repos.operations.create({
        siteId: site.id,
        siteName: site.name,
        kind,
        createdBy: actor.id,
        steps: operationPlans[kind].map(({ slug, name }) => ({ slug, name })),
        ...(input === undefined ? {} : { input }),
      });
      await change?.(repos);
      await repos.audit.record({
        actorUserId: actor.id,
        action: `site.${kind}`,
        target: `site:${site.name}`,
        details: input ?? {},
      });
      return queued;
    });
    this.#deps.wakeup.notify();
    return operation;
  }

  /**
   * Queues the delete operation once the caller typed the site's name to confirm (CONFIRMATION_MISMATCH otherwise,
   * checked after access so it tells nothing about sites the caller cannot see); refused with SITE_BUSY while another
   * operation on the site runs.
   */
  async delete(actor: Actor, siteName: string, confirmName: string | undefined): Promise<Operation> {
    const site = await this.findForAction(actor, siteName, "delete");
    if (confirmName !== site.name) {
      const message = `Type the site's name, "${site.name}", to confirm.`;
      throw new DirectorError("CONFIRMATION_MISMATCH", message, { details: { fields: { confirmName: message } } });
    }
    const operation = await this.#deps.inTransaction(async ({ operations, audit }) => {
      const queued = await operations.create({
        siteId: site.id,
        siteName: site.name,
        kind: "delete_site",
        createdBy: actor.id,
        steps: operationPlans.delete_site.map(({ slug, name }) => ({ slug, name })),
      });
      await audit.record({ actorUserId: actor.id, action: "site.delete", target: `site:${site.name}`, details: {} });
      return queued;
    });
    this.#deps.wakeup.notify();
    return operation;
  }

  /**
   * The site if `actor` may do `action` on it. A site the actor may not even see answers SITE_NOT_FOUND, exactly
   * like one that does not exist; one they see but may not change answers FORBIDDEN.
   */
  async findForAction(actor: Actor, siteName: string, action: SiteAction): Promise<Site> {
    const site = await this.#deps.sites.findByName(siteName);
    const notFound = new DirectorError("SITE_NOT_FOUND", `There is no site named "${siteName}" that you can see.`);
    if (!site) throw notFound;
    const facts = {
      purpose: site.purpose,
      availability: site.availability,
      isMember: await this.#deps.sites.isMember(site.id, actor.id),
      isOwner: site.purpose === "personal" && site.name === actor.username,
    };
    if (!canActOnSite(actor, facts, "view")) throw notFound;
    if (!canActOnSite(actor, facts, action)) {
      throw new DirectorError("FORBIDDEN", `You may not ${action.replace("_", " ")} the site "${site.name}".`);
    }
    return site;
  }

  /**
   * A page of the sites the actor may see that match `query.q` (see parseSiteSearch), by name, each with its members,
   * current operation and image name, and how many match in all.
   */
  async listPage(
    actor: Actor,
    query: { q: string; limit: number; offset: number },
  ): Promise<{ entries: SiteListEntry[]; total: number }> {
    return this.#deps.listing.page({
      userId: actor.id,
      isSuperuser: actor.isSuperuser,
      search: parseSiteSearch(query.q),
      limit: query.limit,
      offset: query.offset,
    });
  }

  /**
   * The sites `actor` is a member of (or owns), by name, at most `limit`: an administrator's own sites too, not
   * every site (the SSH site picker lists these).
   */
  async listOwn(actor: Actor, limit: number): Promise<Site[]> {
    const page = await this.#deps.listing.page({
      userId: actor.id,
      isSuperuser: false,
      search: parseSiteSearch(""),
      limit,
      offset: 0,
    });
    return page.entries.map((entry) => entry.site);
  }

  /** The name of the image the site's own image was built from; null for the default image. */
  async imageNameOf(site: Site): Promise<string | null> {
    return this.#deps.images.nameOf(site.imageId);
  }

  async membersOf(site: Site): Promise<string[]> {
    return this.#deps.sites.listMembers(site.id);
  }

  /** The operation running on the site now, else the last one (so a failure stays visible). */
  async currentOperation(site: Site): Promise<Operation | null> {
    return (
      (await this.#deps.operations.findActiveForSite(site.id)) ??
      (await this.#deps.operations.findLatestForSite(site.id))
    );
  }
}
