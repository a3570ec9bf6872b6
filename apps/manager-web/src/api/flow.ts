/**
 * COMING ROUTES — members, search, confirmed deletion and site requests ("flow" branch). Not in this release
 * yet: the shapes below are the contract the pages are written against. When the branch merges, replace these
 * local types with the ones in packages/contracts and fix what the compiler reports. Until then the calls answer
 * 404 NOT_FOUND "No route …" (isRouteMissing in ./errors), except search and deletion, which the current routes
 * accept (they ignore `q` and the body).
 */
import type { OperationView } from "./core";
import type { Http } from "./http";

const site = (name: string) => `/api/sites/${encodeURIComponent(name)}`;

export type SiteRequestStatus =
  | "pending_teacher"
  | "pending_admin"
  | "approved"
  | "rejected_by_teacher"
  | "rejected_by_admin";

/** A student's request for an activity (club) site. */
export interface SiteRequestView {
  id: number;
  activity: string;
  /** the sponsor teacher's username */
  sponsor: string;
  requester: string;
  details: string;
  status: SiteRequestStatus;
  teacherComment: string;
  /** shown to the student */
  publicComment: string;
  /** administrators only */
  privateComment?: string;
  /** the site made on approval */
  siteName: string | null;
  createdAt: string;
}

export interface SiteRequestInput {
  activity: string;
  sponsor: string;
  details: string;
  isAgreed: boolean;
}

export function flowApi(http: Http) {
  return {
    members: (name: string) => http.request<{ members: string[] }>("GET", `${site(name)}/members`),
    addMember: (name: string, username: string) =>
      http.request<{ members: string[] }>("POST", `${site(name)}/members`, { json: { username } }),
    removeMember: (name: string, username: string) =>
      http.request<{ members: string[] }>("DELETE", `${site(name)}/members`, { json: { username } }),
    /** deletes the site once `confirmName` equals its name (202 + the delete operation) */
    deleteSite: (name: string, confirmName: string) =>
      http.request<{ operation: OperationView }>("DELETE", site(name), { json: { confirmName } }),
    requestSite: (request: SiteRequestInput) =>
      http.request<SiteRequestView>("POST", "/api/site-requests", { json: request }),
    /** the requests the caller may see: their own (students), those they sponsor (teachers), all (administrators) */
    siteRequests: () => http.request<{ requests: SiteRequestView[] }>("GET", "/api/site-requests"),
    teacherDecision: (id: number, decision: { isApproved: boolean; comment: string }) =>
      http.request<SiteRequestView>("POST", `/api/site-requests/${id}/teacher-decision`, { json: decision }),
    adminDecision: (
      id: number,
      decision: { isApproved: boolean; siteName?: string; publicComment: string; privateComment: string },
    ) => http.request<SiteRequestView>("POST", `/api/site-requests/${id}/admin-decision`, { json: decision }),
  };
}
