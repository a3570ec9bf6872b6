/**
 * Members, confirmed deletion, the site's description and activity site requests (README "The JSON API").
 * Types come from packages/contracts (type-only imports).
 */
import type { SiteMemberView, SiteRequestView, SiteView } from "@director/contracts/manager-api";
import type { OperationView } from "./core";
import type { Http } from "./http";

export type { SiteMemberView, SiteRequestView };
export type SiteRequestStatus = SiteRequestView["status"];

const site = (name: string) => `/api/sites/${encodeURIComponent(name)}`;

/** POST /api/site-requests */
export interface SiteRequestInput {
  activity: string;
  /** the site's name, made from the activity unless the student changes it */
  siteName: string;
  /** the sponsor teacher's username */
  sponsor: string;
  details: string;
  agreement: boolean;
}

export interface SiteRequestPage {
  requests: SiteRequestView[];
  total: number;
  limit: number;
  offset: number;
}

export function flowApi(http: Http) {
  return {
    members: (name: string) => http.request<{ members: SiteMemberView[] }>("GET", `${site(name)}/members`),
    /** an unknown username is invited (the account is made at their first login) */
    addMember: (name: string, username: string) =>
      http.request<{ members: SiteMemberView[] }>("POST", `${site(name)}/members`, { json: { username } }),
    removeMember: (name: string, username: string) =>
      http.request<{ members: SiteMemberView[] }>("DELETE", `${site(name)}/members/${encodeURIComponent(username)}`),
    setDescription: (name: string, description: string) =>
      http.request<SiteView>("PUT", `${site(name)}/description`, { json: { description } }),
    /** deletes the site once `confirmName` equals its name (202 + the delete operation) */
    deleteSite: (name: string, confirmName: string) =>
      http.request<{ operation: OperationView }>("DELETE", site(name), { json: { confirmName } }),
    requestSite: (request: SiteRequestInput) =>
      http.request<SiteRequestView>("POST", "/api/site-requests", { json: request }),
    /** the requests the caller may see: their own (students), those they sponsor (teachers), all (administrators) */
    siteRequests: (page: { limit: number; offset: number } = { limit: 200, offset: 0 }) =>
      http.request<SiteRequestPage>("GET", "/api/site-requests", { query: page }),
    teacherDecision: (id: number, decision: { approve: boolean; comment?: string }) =>
      http.request<SiteRequestView>("POST", `/api/site-requests/${id}/teacher-decision`, { json: decision }),
    /** approval creates the site (the answer carries its create operation) */
    adminDecision: (id: number, decision: { approve: boolean; publicComment?: string; privateComment?: string }) =>
      http.request<{ request: SiteRequestView; operation: OperationView | null }>(
        "POST",
        `/api/site-requests/${id}/admin-decision`,
        { json: decision },
      ),
  };
}
