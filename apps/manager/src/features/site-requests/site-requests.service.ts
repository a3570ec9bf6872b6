import type { AuditRepository } from "@director/db/audit.repository";
import type { MailOutboxRepository } from "@director/db/mail-outbox.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SiteRequestsRepository } from "@director/db/site-requests.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { UsersRepository } from "@director/db/users.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { Operation } from "@director/domain/operation";
import {
  assertSiteNameAllowed,
  parseSiteName,
  type ReservedSiteNames,
  type SiteName,
} from "@director/domain/site-name";
import type { SiteRequestRecord } from "@director/domain/site-request";
import { nextSiteRequestStatus } from "@director/domain/site-request";
import type { Wakeup } from "../../adapters/wakeup.js";
import type { MailMessage } from "../mail/mailer.js";
import type { AccountRateLimit } from "../rate-limits/account-rate-limit.js";
import { recordNewSite } from "../sites/record-new-site.js";
import { adminDecisionEmail, newRequestEmail, teacherDecisionEmails } from "./site-request-emails.js";
import { canActOnSiteRequest, canRequestSite, type SiteRequestAction } from "./site-requests.policy.js";

/** Repositories bound to one transaction. */
export interface SiteRequestRepositories {
  siteRequests: Pick<SiteRequestsRepository, "create" | "findById" | "recordDecision">;
  sites: Pick<SitesRepository, "create">;
  operations: Pick<OperationsRepository, "create">;
  audit: Pick<AuditRepository, "record">;
  mailOutbox: Pick<MailOutboxRepository, "enqueue">;
}

export interface SiteRequestsServiceDeps {
  requests: Pick<SiteRequestsRepository, "findById" | "listVisibleTo">;
  users: Pick<UsersRepository, "findByUsername" | "listActiveSuperusers">;
  sites: Pick<SitesRepository, "findByName">;
  inTransaction<T>(work: (repos: SiteRequestRepositories) => Promise<T>): Promise<T>;
  /** how many requests one account may make (each mails a teacher what the student wrote) */
  requestLimit: AccountRateLimit;
  /** tells the mail dispatcher that the outbox has new messages */
  mailWakeup: Wakeup;
  wakeup: Wakeup;
  reservedNames: ReservedSiteNames;
}

export interface NewSiteRequest {
  activity: string;
  siteName: string;
  sponsor: string;
  details: string;
}

/**
 * Requests for activity (club) sites: a student asks, naming a sponsoring teacher; the teacher decides, then an
 * administrator, whose approval creates the site (the student and the teacher its members) in the same transaction
 * as the status change. Each step emails the people who act next through the mail outbox, in the step's transaction:
 * a step that rolls back sends nothing, and a committed one keeps its mail until the dispatcher delivers it.
 */
export class SiteRequestsService {
  readonly #deps: SiteRequestsServiceDeps;

  constructor(deps: SiteRequestsServiceDeps) {
    this.#deps = deps;
  }

  /** A student asks for a site; the sponsor must be an active teacher and the name free and allowed. */
  async create(actor: Actor, input: NewSiteRequest): Promise<SiteRequestRecord> {
    if (!canRequestSite(actor)) {
      throw new DirectorError(
        "FORBIDDEN",
        "Only students ask for activity sites; teachers sponsor them and administrators create sites directly.",
      );
    }
    const siteName = this.#parseRequestedName(input.siteName);
    const sponsor = await this.#deps.users.findByUsername(input.sponsor.trim().toLowerCase());
    if (!sponsor?.isActive || sponsor.role !== "teacher") {
      const message = `"${input.sponsor}" is not a teacher's username; a sponsor must be a teacher.`;
      throw new DirectorError("SPONSOR_NOT_A_TEACHER", message, { details: { fields: { sponsor: message } } });
    }
    if (await this.#deps.sites.findByName(siteName)) throw siteNameTaken(siteName);
    // Counted once the request is sound: only requests that would mail a teacher use up the allowance.
    await this.#deps.requestLimit.take(actor);
    const created = await this.#deps.inTransaction(async ({ siteRequests: requests, audit, mailOutbox: outbox }) => {
      const request = await requests.create({
        requesterId: actor.id,
        sponsorId: sponsor.id,
        activity: input.activity.trim(),
        requestedSiteName: siteName,
        details: input.details.trim(),
        agreedAt: new Date(),
      });
      await audit.record({
        actorUserId: actor.id,
        action: "site_request.create",
        target: `site_request:${request.id}`,
        details: { siteName, sponsor: sponsor.username },
      });
      await enqueueMail(outbox, newRequestEmail(request));
      return request;
    });
    this.#deps.mailWakeup.notify();
    return created;
  }

  /** The sponsor approves (the request goes to the administrators) or rejects; final either way. */
  async decideAsTeacher(
    actor: Actor,
    id: number,
    decision: { approve: boolean; comment: string },
  ): Promise<SiteRequestRecord> {
    // Read before the transaction: it only addresses the mail, and the transaction should not wait on the pool.
    const adminEmails = (await this.#deps.users.listActiveSuperusers()).map((admin) => admin.email);
    const decided = await this.#deps.inTransaction(async ({ siteRequests: requests, audit, mailOutbox: outbox }) => {
      const request = await this.#lockForAction(requests, actor, id, "decide_as_teacher");
      const status = nextSiteRequestStatus(request.status, "teacher", decision.approve);
      await requests.recordDecision(id, { stage: "teacher", status, comment: decision.comment.trim() });
      await audit.record({
        actorUserId: actor.id,
        action: decision.approve ? "site_request.teacher_approve" : "site_request.teacher_reject",
        target: `site_request:${id}`,
        details: {},
      });
      const reloaded = await this.#reload(requests, id);
      for (const message of teacherDecisionEmails(reloaded, adminEmails)) await enqueueMail(outbox, message);
      return reloaded;
    });
    this.#deps.mailWakeup.notify();
    return decided;
  }

  /**
   * An administrator approves (Director creates the activity site and queues its create_site operation, in the same
   * transaction as the new status) or rejects, with a comment the requester and sponsor see and one only
   * administrators see. SITE_NAME_TAKEN when the name was taken meanwhile: nothing changes, the request stays open.
   */
  async decideAsAdmin(
    actor: Actor,
    id: number,
    decision: { approve: boolean; publicComment: string; privateComment: string },
  ): Promise<{ request: SiteRequestRecord; operation: Operation | null }> {
    const decided = await this.#deps.inTransaction(async (repos) => {
      const request = await this.#lockForAction(repos.siteRequests, actor, id, "decide_as_admin");
      const status = nextSiteRequestStatus(request.status, "admin", decision.approve);
      const created = decision.approve
        ? await recordNewSite(repos, {
            // checked again: reserved names may have changed since the request was made
            name: this.#parseRequestedName(request.requestedSiteName),
            type: "static",
            purpose: "activity",
            description: request.activity,
            memberIds: [request.requester.id, request.sponsor.id],
            createdBy: actor.id,
            auditDetails: { siteRequest: id },
          }).catch((error: unknown) => {
            throw isDirectorError(error) && error.code === "SITE_NAME_TAKEN"
              ? siteNameTaken(request.requestedSiteName)
              : error;
          })
        : null;
      await repos.siteRequests.recordDecision(id, {
        stage: "admin",
        status,
        adminId: actor.id,
        publicComment: decision.publicComment.trim(),
        privateComment: decision.privateComment.trim(),
        siteId: created?.site.id ?? null,
      });
      await repos.audit.record({
        actorUserId: actor.id,
        action: decision.approve ? "site_request.admin_approve" : "site_request.admin_reject",
        target: `site_request:${id}`,
        details: created ? { site: created.site.name } : {},
      });
      const reloaded = await this.#reload(repos.siteRequests, id);
      await enqueueMail(repos.mailOutbox, adminDecisionEmail(reloaded));
      return { request: reloaded, operation: created?.operation ?? null };
    });
    if (decided.operation) this.#deps.wakeup.notify();
    this.#deps.mailWakeup.notify();
    return decided;
  }

  /** One request, if the actor may see it (SITE_REQUEST_NOT_FOUND otherwise, exactly like one that does not exist). */
  async find(actor: Actor, id: number): Promise<SiteRequestRecord> {
    const request = await this.#deps.requests.findById(id);
    if (!request || !canActOnSiteRequest(actor, partiesOf(request), "view")) throw requestNotFound(id);
    return request;
  }

  /** The requests the actor made or sponsors (all of them for administrators), newest first. */
  async list(
    actor: Actor,
    page: { limit: number; offset: number },
  ): Promise<{ requests: SiteRequestRecord[]; total: number }> {
    return this.#deps.requests.listVisibleTo({ userId: actor.id, isSuperuser: actor.isSuperuser, ...page });
  }

  /** Whether the actor may read administrators' private comments. */
  canSeePrivateComment(actor: Actor, request: SiteRequestRecord): boolean {
    return canActOnSiteRequest(actor, partiesOf(request), "see_private_comment");
  }

  /** Loads and locks the request for a decision: 404 for those who cannot see it, 403 for those who cannot decide. */
  async #lockForAction(
    requests: SiteRequestRepositories["siteRequests"],
    actor: Actor,
    id: number,
    action: SiteRequestAction,
  ): Promise<SiteRequestRecord> {
    const request = await requests.findById(id, { forUpdate: true });
    if (!request || !canActOnSiteRequest(actor, partiesOf(request), "view")) throw requestNotFound(id);
    if (!canActOnSiteRequest(actor, partiesOf(request), action)) {
      throw new DirectorError(
        "FORBIDDEN",
        action === "decide_as_admin"
          ? "Only administrators make the final decision on a site request."
          : "Only the request's sponsor makes the teacher's decision.",
      );
    }
    return request;
  }

  async #reload(requests: SiteRequestRepositories["siteRequests"], id: number): Promise<SiteRequestRecord> {
    const request = await requests.findById(id);
    if (!request) throw requestNotFound(id);
    return request;
  }

  /** The requested name, parsed and checked against reserved names; its errors name the form field `siteName`. */
  #parseRequestedName(value: string): SiteName {
    try {
      const name = parseSiteName(value);
      assertSiteNameAllowed(name, this.#deps.reservedNames);
      return name;
    } catch (error) {
      if (!isDirectorError(error)) throw error;
      throw new DirectorError(error.code, error.message, {
        details: { fields: { siteName: error.message } },
        cause: error,
      });
    }
  }
}

/** Queues a message to its non-blank addresses; none left (no administrator has an address): nothing to send. */
async function enqueueMail(outbox: SiteRequestRepositories["mailOutbox"], message: MailMessage): Promise<void> {
  const to = message.to.filter((address) => address.trim() !== "");
  if (to.length > 0) await outbox.enqueue({ ...message, to });
}

function partiesOf(request: SiteRequestRecord) {
  return { requesterId: request.requester.id, sponsorId: request.sponsor.id };
}

function requestNotFound(id: number): DirectorError {
  return new DirectorError("SITE_REQUEST_NOT_FOUND", `There is no site request ${id} that you can see.`);
}

function siteNameTaken(name: string): DirectorError {
  const message = `A site named "${name}" already exists; choose another name.`;
  return new DirectorError("SITE_NAME_TAKEN", message, { details: { fields: { siteName: message } } });
}
