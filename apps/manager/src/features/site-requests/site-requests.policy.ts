import type { Actor } from "@director/domain/actor";

/** A request as the policy sees it: who made it and who sponsors it. */
export interface SiteRequestParties {
  requesterId: number;
  sponsorId: number;
}

export type SiteRequestAction = "view" | "decide_as_teacher" | "decide_as_admin" | "see_private_comment";

/**
 * May `actor` make a site request? Students ask for activity (club) sites; teachers sponsor them and
 * administrators create sites directly, so neither needs one.
 */
export function canRequestSite(actor: Actor): boolean {
  return !actor.isSuperuser && (actor.role ?? "student") === "student";
}

/**
 * May `actor` do `action` on this request? Its requester, its sponsor and administrators see it; only the sponsor
 * makes the teacher's decision (the point of a sponsor is that this teacher vouches for the club), only
 * administrators make the final one and read the private comment. A false answer for "view" must look like "no such
 * request" to the caller.
 */
export function canActOnSiteRequest(actor: Actor, request: SiteRequestParties, action: SiteRequestAction): boolean {
  const isRequester = request.requesterId === actor.id;
  const isSponsor = request.sponsorId === actor.id;
  switch (action) {
    case "view":
      return actor.isSuperuser || isRequester || isSponsor;
    case "decide_as_teacher":
      return isSponsor;
    case "decide_as_admin":
    case "see_private_comment":
      return actor.isSuperuser;
  }
}
