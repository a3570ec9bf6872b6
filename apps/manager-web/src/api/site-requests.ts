/** Requests for activity sites: a student asks, the sponsor and then an administrator decide. */
import type { Http } from "./http";
import { callRoute } from "./route-call";
import type { SiteRequestInput } from "./types";

export function siteRequestsApi(http: Http) {
  return {
    // An unticked agreement is sent as it is: the server refuses it with the field named, which the form shows.
    create: (request: SiteRequestInput) =>
      callRoute(http, "siteRequests", "create", { json: { ...request, agreement: request.agreement as true } }),
    /** the requests the caller may see: their own (students), those they sponsor (teachers), all (administrators) */
    list: (page: { limit: number; offset: number } = { limit: 200, offset: 0 }) =>
      callRoute(http, "siteRequests", "list", { query: page }),
    teacherDecision: (id: number, decision: { approve: boolean; comment?: string }) =>
      callRoute(http, "siteRequests", "teacherDecision", { params: { id }, json: decision }),
    /** approval creates the site (the answer carries its create operation) */
    adminDecision: (id: number, decision: { approve: boolean; publicComment?: string; privateComment?: string }) =>
      callRoute(http, "siteRequests", "adminDecision", { params: { id }, json: decision }),
  };
}
