/**
 * COMING ROUTES — accounts, guidelines and administration ("people" branch). These routes are not in this
 * release yet; the shapes below are the contract the pages are written against. When the branch merges,
 * replace these local types with the ones in packages/contracts and fix what the compiler reports.
 * Until then every call answers 404 NOT_FOUND "No route …", which pages show as "not available yet"
 * (isRouteMissing in ./errors).
 */
import type { UserView } from "./core";
import type { Http } from "./http";

/** Where the browser goes to log in with the institution's identity provider (a full page navigation). */
export const oidcStartUrl = "/api/auth/oidc/start";

export type UserRole = "student" | "teacher" | "admin" | "service";

/** GET /api/guidelines */
export interface GuidelinesView {
  /** plain text (paragraphs separated by blank lines) */
  text: string;
  isAccepted: boolean;
}

/** One account as administrators see it. */
export interface AdminUserView {
  id: number;
  username: string;
  displayName: string;
  email: string;
  role: UserRole;
  isSuperuser: boolean;
  isDisabled: boolean;
  graduationYear: number | null;
  lastLoginAt: string | null;
}

export interface AuditEntryView {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export interface MassMailRequest {
  subject: string;
  body: string;
  /** "all" users, or these usernames */
  recipients: "all" | string[];
}

export function peopleApi(http: Http) {
  return {
    guidelines: () => http.request<GuidelinesView>("GET", "/api/guidelines"),
    acceptGuidelines: () => http.request<void>("POST", "/api/guidelines/accept"),
    users: (query: { q?: string; limit: number; offset: number }) =>
      http.request<{ users: AdminUserView[] }>("GET", "/api/admin/users", { query }),
    /** invites a person by username before their first login */
    inviteUser: (user: { username: string; role: UserRole; displayName?: string; email?: string }) =>
      http.request<AdminUserView>("POST", "/api/admin/users", { json: user }),
    updateUser: (username: string, change: Partial<Pick<AdminUserView, "role" | "isSuperuser" | "isDisabled">>) =>
      http.request<AdminUserView>("PATCH", `/api/admin/users/${encodeURIComponent(username)}`, { json: change }),
    audit: (query: { limit: number; offset: number }) =>
      http.request<{ entries: AuditEntryView[] }>("GET", "/api/admin/audit", { query }),
    sendMail: (request: MassMailRequest) =>
      http.request<{ recipientCount: number }>("POST", "/api/admin/mail", { json: request }),
  };
}

/** GET /api/auth/me as the people branch extends it (role); `role` is absent until it merges. */
export type SessionUser = UserView & { role?: UserRole };
