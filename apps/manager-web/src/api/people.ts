/**
 * Accounts, guidelines and administration: login options, guidelines, users, audit log, mass email
 * (README "The JSON API"). Types come from packages/contracts (type-only imports: no zod reaches the bundle).
 */
import type {
  auditPageSchema,
  guidelinesViewSchema,
  InviteUserRequest,
  MassMailResult,
  UpdateUserRequest,
  UserView,
  userListResponseSchema,
} from "@director/contracts/manager-api";
import type { z } from "zod";
import type { Http } from "./http";

export type { MassMailResult, UpdateUserRequest };
export type UserRole = UserView["role"];
/** GET /api/guidelines */
export type GuidelinesView = z.infer<typeof guidelinesViewSchema>;
/** GET /api/admin/users */
export type UserPage = z.infer<typeof userListResponseSchema>;
/** GET /api/admin/audit */
export type AuditPage = z.infer<typeof auditPageSchema>;
export type AuditEventView = AuditPage["events"][number];

/** GET /api/auth/options (public): the ways to log in; `oidc` is null when no identity provider is set up. */
export interface LoginOptions {
  password: boolean;
  oidc: { startUrl: string } | null;
}

/** POST /api/admin/mail; without `confirm: true` the answer is 400 CONFIRMATION_REQUIRED with the count. */
export interface MassMailRequest {
  subject: string;
  text: string;
  /** "all" people, or these usernames */
  to: "all" | string[];
  confirm: boolean;
}

/** The audit log's filters; `before` is the previous page's `nextBefore`. */
export interface AuditQuery {
  actor?: string;
  site?: string;
  action?: string;
  limit: number;
  before?: string;
}

export function peopleApi(http: Http) {
  return {
    loginOptions: () => http.request<LoginOptions>("GET", "/api/auth/options"),
    guidelines: () => http.request<GuidelinesView>("GET", "/api/guidelines"),
    /** answers with the account, now with `guidelinesAccepted` */
    acceptGuidelines: () => http.request<UserView>("POST", "/api/guidelines/accept"),
    users: (query: { q?: string; limit: number; offset: number }) =>
      http.request<UserPage>("GET", "/api/admin/users", { query }),
    /** invites a person by username before their first login */
    inviteUser: (user: Pick<InviteUserRequest, "username" | "role"> & Partial<InviteUserRequest>) =>
      http.request<UserView>("POST", "/api/admin/users", { json: user }),
    updateUser: (username: string, change: UpdateUserRequest) =>
      http.request<UserView>("PATCH", `/api/admin/users/${encodeURIComponent(username)}`, { json: change }),
    audit: (query: AuditQuery) => http.request<AuditPage>("GET", "/api/admin/audit", { query: { ...query } }),
    sendMail: (request: MassMailRequest) => http.request<MassMailResult>("POST", "/api/admin/mail", { json: request }),
  };
}
