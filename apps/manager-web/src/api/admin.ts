/** Administrators: accounts, the audit log, mass email, reconcile. */
import type { Http } from "./http";
import { callRoute } from "./route-call";
import type { AuditQuery, InviteUserRequest, MassMailRequest, UpdateUserRequest } from "./types";

export function adminApi(http: Http) {
  return {
    users: (query: { q?: string; limit: number; offset: number }) => callRoute(http, "admin", "listUsers", { query }),
    /** invites a person by username before their first login */
    inviteUser: (user: Pick<InviteUserRequest, "username" | "role"> & Partial<InviteUserRequest>) =>
      callRoute(http, "admin", "inviteUser", { json: user }),
    updateUser: (username: string, change: UpdateUserRequest) =>
      callRoute(http, "admin", "updateUser", { params: { username }, json: change }),
    /** how many students of a graduation year still log in */
    classSummary: (year: number) => callRoute(http, "admin", "classSummary", { params: { year } }),
    /** disables the class's student accounts; `confirm` is the year typed again */
    disableClass: (year: number, confirm: string) =>
      callRoute(http, "admin", "disableClass", { params: { year }, json: { confirm } }),
    audit: (query: AuditQuery) => callRoute(http, "admin", "audit", { query }),
    sendMail: (request: MassMailRequest) => callRoute(http, "admin", "massMail", { json: request }),
    reconcile: (request: { site?: string; isDryRun: boolean }) =>
      callRoute(http, "admin", "reconcile", { json: request }),
  };
}
