import type { SiteRequestView } from "@director/contracts/manager-api";
import type { SiteRequestRecord } from "@director/domain/site-request";

/** A request for the API; the administrators' private comment only when `isPrivateCommentVisible`. */
export function presentSiteRequest(request: SiteRequestRecord, isPrivateCommentVisible: boolean): SiteRequestView {
  return {
    id: request.id,
    activity: request.activity,
    siteName: request.requestedSiteName,
    details: request.details,
    requester: { username: request.requester.username, displayName: request.requester.displayName },
    sponsor: { username: request.sponsor.username, displayName: request.sponsor.displayName },
    status: request.status,
    teacherComment: request.teacherComment,
    teacherDecidedAt: request.teacherDecidedAt?.toISOString() ?? null,
    adminPublicComment: request.adminPublicComment,
    ...(isPrivateCommentVisible ? { adminPrivateComment: request.adminPrivateComment } : {}),
    adminDecidedAt: request.adminDecidedAt?.toISOString() ?? null,
    site: request.createdSiteName,
    createdAt: request.createdAt.toISOString(),
  };
}
