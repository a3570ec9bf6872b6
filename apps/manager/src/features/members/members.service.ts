import type { AuditRepository } from "@director/db/audit.repository";
import type { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { UsersRepository } from "@director/db/users.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { SiteId, SitePurpose } from "@director/domain/site";
import { parseUsername } from "@director/domain/username";
import type { AccountRateLimit } from "../rate-limits/account-rate-limit.js";
import type { SiteAccessChanges } from "../sites/site-access-changes.js";
import type { SitesService } from "../sites/sites.service.js";

/** A member as a site's page lists them. */
export interface SiteMember {
  username: string;
  displayName: string;
  role: "student" | "teacher" | "service";
  /** has never logged in: invited by username, or an account made for them */
  isInvited: boolean;
}

export interface MembersServiceDeps {
  /** finds a site with the site policy (404 for sites the actor cannot see, 403 for what they may not do) */
  sites: Pick<SitesService, "findForAction">;
  members: Pick<SitesRepository, "listMemberDetails">;
  /** how many usernames one account may invite (each makes an account); adding an existing account is not counted */
  invitations: AccountRateLimit;
  /** told when a member is removed, so that their open terminals end at once */
  accessChanges?: Pick<SiteAccessChanges, "notify">;
  /** runs `work` in one transaction with repositories bound to it */
  inTransaction<T>(
    work: (repos: {
      sites: Pick<
        SitesRepository,
        "lockForMemberChange" | "isMember" | "addMember" | "removeMember" | "countMembers" | "updatePurpose"
      >;
      users: Pick<UsersRepository, "findOrInvite" | "findByUsername">;
      audit: Pick<AuditRepository, "record">;
      mailOutbox: Pick<MailOutboxRepository, "enqueue">;
    }) => Promise<T>,
  ): Promise<T>;
}

/**
 * Who works on a site. Members manage the members of their sites (a personal site: its owner only); a username
 * without an account is invited, so the person finds the site at their first login. Only an administrator may
 * leave a site without members (SITE_NEEDS_A_MEMBER).
 */
export class MembersService {
  readonly #deps: MembersServiceDeps;

  constructor(deps: MembersServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor, siteName: string): Promise<SiteMember[]> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "view");
    return this.#membersOf(site.id);
  }

  /**
   * Adds a member (a no-op when they already are one); returns the members after the change. A person with an email
   * address who was added by someone else is told, through the mail outbox, in the same transaction.
   */
  async add(actor: Actor, siteName: string, username: string): Promise<SiteMember[]> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "manage_members");
    const parsed = parseUsername(username.trim().toLowerCase());
    await this.#deps.inTransaction(async ({ sites, users, audit, mailOutbox }) => {
      await sites.lockForMemberChange(site.id);
      const { user, isInvited } = await users.findOrInvite(parsed);
      if (isInvited) {
        // Refused here, the transaction rolls back: the invited account is not made.
        await this.#deps.invitations.take(actor);
        await audit.record({
          actorUserId: actor.id,
          action: "user.invite",
          target: `user:${user.username}`,
          details: { site: site.name },
        });
      }
      if (await sites.addMember(site.id, user.id)) {
        await audit.record({
          actorUserId: actor.id,
          action: "site.member_add",
          target: `site:${site.name}`,
          details: { username: user.username },
        });
        if (user.id !== actor.id && user.email.trim() !== "") {
          await mailOutbox.enqueue(memberAddedEmail(user.email, site.name, actor.username, isInvited));
        }
      }
    });
    return this.#membersOf(site.id);
  }

  /** Removes a member; returns the members after the change. */
  async remove(actor: Actor, siteName: string, username: string): Promise<SiteMember[]> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "manage_members");
    await this.#deps.inTransaction(async ({ sites, users, audit }) => {
      // The lock makes "count, then remove" one step: two members removing each other at once cannot both win.
      await sites.lockForMemberChange(site.id);
      const user = await users.findByUsername(username);
      const notMember = new DirectorError("NOT_FOUND", `"${username}" is not a member of the site "${site.name}".`, {
        details: { fields: { username: "not a member of this site" } },
      });
      if (!user || !(await sites.isMember(site.id, user.id))) throw notMember;
      if (!actor.isSuperuser && (await sites.countMembers(site.id)) <= 1) {
        throw new DirectorError(
          "SITE_NEEDS_A_MEMBER",
          `"${username}" is the last member of "${site.name}"; add someone else first, or ask an administrator.`,
        );
      }
      await sites.removeMember(site.id, user.id);
      await audit.record({
        actorUserId: actor.id,
        action: "site.member_remove",
        target: `site:${site.name}`,
        details: { username: user.username },
      });
    });
    this.#deps.accessChanges?.notify(site.id);
    return this.#membersOf(site.id);
  }

  /**
   * Hands a site to another person, before its owner leaves: they become a member and the giver (a personal site's
   * owner, or the member asking) stops being one unless `keepAccess`. A personal site becomes a project site, as it
   * is no longer its namesake's. A member may hand a site only to an active teacher; an administrator to any active
   * account. The recipient is told by email.
   */
  async transfer(
    actor: Actor,
    siteName: string,
    request: { to: string; keepAccess: boolean },
  ): Promise<{ purpose: SitePurpose; members: SiteMember[] }> {
    const site = await this.#deps.sites.findForAction(actor, siteName, "manage_members");
    const refuse = (message: string, code: "VALIDATION_FAILED" | "FORBIDDEN" = "VALIDATION_FAILED") =>
      new DirectorError(code, message, { details: { fields: { to: message } } });
    const purpose: SitePurpose = site.purpose === "personal" ? "project" : site.purpose;
    await this.#deps.inTransaction(async ({ sites, users, audit, mailOutbox }) => {
      await sites.lockForMemberChange(site.id);
      const recipient = await users.findByUsername(request.to.trim().toLowerCase());
      if (!recipient?.isActive) throw refuse(`There is no active account "${request.to}".`);
      if (!actor.isSuperuser && recipient.role !== "teacher") {
        throw refuse(
          "You may hand a site only to a teacher; ask an administrator to give it to someone else.",
          "FORBIDDEN",
        );
      }
      const giverName = site.purpose === "personal" ? site.name : actor.username;
      const giver = await users.findByUsername(giverName);
      if (giver && giver.id === recipient.id) throw refuse("The site is yours already; choose someone else.");
      await sites.addMember(site.id, recipient.id);
      if (giver && !request.keepAccess && (await sites.isMember(site.id, giver.id))) {
        await sites.removeMember(site.id, giver.id);
      }
      if (purpose !== site.purpose) await sites.updatePurpose(site.id, purpose);
      await audit.record({
        actorUserId: actor.id,
        action: "site.transfer",
        target: `site:${site.name}`,
        details: { from: giverName, to: recipient.username, keepAccess: request.keepAccess, purpose },
      });
      if (recipient.email.trim() !== "") {
        await mailOutbox.enqueue({
          to: [recipient.email],
          subject: `${giverName} gave you the site ${site.name}`,
          text: `${actor.username} handed the site "${site.name}" on Director to you: you are now one of its members, and it stays when ${giverName}'s account closes.\n\n--\nDirector\n`,
        });
      }
    });
    this.#deps.accessChanges?.notify(site.id);
    return { purpose, members: await this.#membersOf(site.id) };
  }

  async #membersOf(siteId: SiteId): Promise<SiteMember[]> {
    const rows = await this.#deps.members.listMemberDetails(siteId);
    return rows.map((row) => ({
      username: row.username,
      displayName: row.displayName,
      role: row.role,
      isInvited: row.lastLoginAt === null,
    }));
  }
}

/** To a person added to a site by someone else. */
function memberAddedEmail(email: string, siteName: string, addedBy: string, isInvited: boolean) {
  const firstLogin = isInvited ? " Log in to Director with your school account; the site is waiting in your list." : "";
  return {
    to: [email],
    subject: `You were added to the site ${siteName}`,
    text: `${addedBy} added you to the site "${siteName}" on Director. You can now edit its files, open its terminal and manage it with the other members.${firstLogin}\n\n--\nDirector\n`,
  };
}
