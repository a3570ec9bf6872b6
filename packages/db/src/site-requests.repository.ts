/** Requests for activity sites and their decisions. */
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import type { SiteRequestRecord, SiteRequestStatus } from "@director/domain/site-request";
import type { Username } from "@director/domain/username";
import type { Selectable } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import type { SiteRequestsTable } from "./schema.js";

/** What making a request needs; names are already parsed and the sponsor checked to be a teacher. */
export interface NewSiteRequestRecord {
  requesterId: number;
  sponsorId: number;
  activity: string;
  requestedSiteName: string;
  details: string;
  agreedAt: Date;
}

/** A decision to record; only the fields of the deciding stage are given. */
export type SiteRequestDecision =
  | { stage: "teacher"; status: SiteRequestStatus; comment: string }
  | {
      stage: "admin";
      status: SiteRequestStatus;
      adminId: number;
      publicComment: string;
      privateComment: string;
      siteId: SiteId | null;
    };

/** Reads and writes site requests. */
export class SiteRequestsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Records a new request (awaiting the teacher); SITE_NAME_TAKEN when another open request asks for the name. */
  async create(input: NewSiteRequestRecord, trx: DatabaseHandle = this.#db): Promise<SiteRequestRecord> {
    try {
      const { id } = await trx
        .insertInto("site_requests")
        .values({
          requester_id: input.requesterId,
          sponsor_id: input.sponsorId,
          activity: input.activity,
          site_name: input.requestedSiteName,
          details: input.details,
          agreed_at: input.agreedAt,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return await this.#findOrThrow(id, trx);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.siteRequestsOpenSiteName)) {
        const message = `Another request for a site named "${input.requestedSiteName}" is waiting for a decision; choose another name.`;
        throw new DirectorError("SITE_NAME_TAKEN", message, {
          details: { fields: { siteName: message } },
          cause: error,
        });
      }
      throw error;
    }
  }

  /** The request, or null; `forUpdate` locks its row until the transaction ends (decisions must not race). */
  async findById(
    id: number,
    options: { forUpdate?: boolean } = {},
    trx: DatabaseHandle = this.#db,
  ): Promise<SiteRequestRecord | null> {
    let select = this.#select(trx).where("site_requests.id", "=", id);
    // FOR UPDATE OF site_requests: lock the request only, not the users it joins.
    if (options.forUpdate) select = select.forUpdate("site_requests");
    const row = await select.executeTakeFirst();
    return row ? toSiteRequest(row) : null;
  }

  /** A page of requests, newest first: all of them for an administrator, else those the user made or sponsors. */
  async listVisibleTo(
    query: { userId: number; isSuperuser: boolean; limit: number; offset: number },
    trx: DatabaseHandle = this.#db,
  ): Promise<{ requests: SiteRequestRecord[]; total: number }> {
    let rows = this.#select(trx);
    let counted = trx.selectFrom("site_requests");
    if (!query.isSuperuser) {
      rows = rows.where((eb) =>
        eb.or([eb("site_requests.requester_id", "=", query.userId), eb("site_requests.sponsor_id", "=", query.userId)]),
      );
      counted = counted.where((eb) =>
        eb.or([eb("requester_id", "=", query.userId), eb("sponsor_id", "=", query.userId)]),
      );
    }
    const [found, count] = await Promise.all([
      rows.orderBy("site_requests.id", "desc").limit(query.limit).offset(query.offset).execute(),
      counted.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow(),
    ]);
    return { requests: found.map(toSiteRequest), total: Number(count.total) };
  }

  /** Records a decision (the caller has checked the transition on the locked row). */
  async recordDecision(id: number, decision: SiteRequestDecision, trx: DatabaseHandle = this.#db): Promise<void> {
    const now = new Date();
    const changes =
      decision.stage === "teacher"
        ? { status: decision.status, teacher_comment: decision.comment, teacher_decided_at: now }
        : {
            status: decision.status,
            admin_id: decision.adminId,
            admin_public_comment: decision.publicComment,
            admin_private_comment: decision.privateComment,
            admin_decided_at: now,
            site_id: decision.siteId,
          };
    await trx
      .updateTable("site_requests")
      .set({ ...changes, updated_at: now })
      .where("id", "=", id)
      .execute();
  }

  async #findOrThrow(id: number, trx: DatabaseHandle): Promise<SiteRequestRecord> {
    const found = await this.findById(id, {}, trx);
    if (!found) throw new DirectorError("SITE_REQUEST_NOT_FOUND", `There is no site request ${id}.`);
    return found;
  }

  #select(trx: DatabaseHandle) {
    return trx
      .selectFrom("site_requests")
      .innerJoin("users as requester", "requester.id", "site_requests.requester_id")
      .innerJoin("users as sponsor", "sponsor.id", "site_requests.sponsor_id")
      .leftJoin("sites", "sites.id", "site_requests.site_id")
      .selectAll("site_requests")
      .select([
        "requester.username as requester_username",
        "requester.display_name as requester_display_name",
        "requester.email as requester_email",
        "sponsor.username as sponsor_username",
        "sponsor.display_name as sponsor_display_name",
        "sponsor.email as sponsor_email",
        "sites.name as created_site_name",
      ]);
  }
}

/** A `site_requests` row with its requester's and sponsor's names and addresses. */
type SiteRequestRow = Selectable<SiteRequestsTable> & {
  requester_username: string;
  requester_display_name: string;
  requester_email: string;
  sponsor_username: string;
  sponsor_display_name: string;
  sponsor_email: string;
  created_site_name: string | null;
};

/** Maps a joined row to a SiteRequestRecord. */
function toSiteRequest(row: SiteRequestRow): SiteRequestRecord {
  return {
    id: row.id,
    requester: {
      id: row.requester_id,
      username: row.requester_username as Username,
      displayName: row.requester_display_name,
      email: row.requester_email,
    },
    sponsor: {
      id: row.sponsor_id,
      username: row.sponsor_username as Username,
      displayName: row.sponsor_display_name,
      email: row.sponsor_email,
    },
    activity: row.activity,
    requestedSiteName: row.site_name,
    details: row.details,
    agreedAt: row.agreed_at,
    status: row.status,
    teacherComment: row.teacher_comment,
    teacherDecidedAt: row.teacher_decided_at,
    adminPublicComment: row.admin_public_comment,
    adminPrivateComment: row.admin_private_comment,
    adminDecidedAt: row.admin_decided_at,
    siteId: row.site_id as SiteId | null,
    createdSiteName: row.created_site_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
