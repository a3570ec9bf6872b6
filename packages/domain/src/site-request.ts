import { DirectorError } from "./errors.js";
import type { SiteId } from "./site.js";
import type { Username } from "./username.js";

/**
 * Where a request for an activity site stands. The sponsoring teacher decides first, then an administrator;
 * each decision is final, so a request moves forward only:
 *
 *   awaiting_teacher ──approve──▶ awaiting_admin ──approve──▶ approved (the site exists)
 *          └──reject──▶ rejected_by_teacher      └──reject──▶ rejected_by_admin
 */
export const siteRequestStatuses = [
  "awaiting_teacher",
  "awaiting_admin",
  "approved",
  "rejected_by_teacher",
  "rejected_by_admin",
] as const;
export type SiteRequestStatus = (typeof siteRequestStatuses)[number];

/** Who decides: the sponsoring teacher, then an administrator. */
export type SiteRequestStage = "teacher" | "admin";

const waitingFor: Record<SiteRequestStage, SiteRequestStatus> = {
  teacher: "awaiting_teacher",
  admin: "awaiting_admin",
};

/**
 * The status after `stage` decides; REQUEST_STATE_INVALID when the request is not waiting for that decision
 * (already decided, or still waiting for the teacher when an administrator tries).
 */
export function nextSiteRequestStatus(
  current: SiteRequestStatus,
  stage: SiteRequestStage,
  isApproved: boolean,
): SiteRequestStatus {
  if (current !== waitingFor[stage]) {
    throw new DirectorError(
      "REQUEST_STATE_INVALID",
      `This request is ${current.replaceAll("_", " ")}; it is not waiting for the ${stage === "admin" ? "administrator" : "teacher"}'s decision.`,
      { details: { status: current } },
    );
  }
  if (stage === "teacher") return isApproved ? "awaiting_admin" : "rejected_by_teacher";
  return isApproved ? "approved" : "rejected_by_admin";
}

/** True while someone still has to decide. */
export function isSiteRequestOpen(status: SiteRequestStatus): boolean {
  return status === "awaiting_teacher" || status === "awaiting_admin";
}

/** One party of a site request, as the request shows them. */
export interface SiteRequestParty {
  id: number;
  username: Username;
  displayName: string;
  email: string;
}

/** A student's request for an activity site, with both decisions; `siteId`/`siteName` once approved. */
export interface SiteRequestRecord {
  id: number;
  requester: SiteRequestParty;
  sponsor: SiteRequestParty;
  activity: string;
  /** the site name asked for (checked against the grammar when the request was made) */
  requestedSiteName: string;
  details: string;
  agreedAt: Date;
  status: SiteRequestStatus;
  teacherComment: string;
  teacherDecidedAt: Date | null;
  adminPublicComment: string;
  adminPrivateComment: string;
  adminDecidedAt: Date | null;
  /** the site created on approval; null before, and after that site is deleted */
  siteId: SiteId | null;
  /** that site's name (it may have been renamed since) */
  createdSiteName: string | null;
  createdAt: Date;
  updatedAt: Date;
}
