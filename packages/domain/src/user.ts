/** An account and its login sessions, as the repositories return them. */
import type { UserRole } from "./user-role.js";
import type { Username } from "./username.js";

/** An account. */
export interface User {
  id: number;
  username: Username;
  displayName: string;
  email: string;
  /** argon2id PHC string; null for accounts that log in elsewhere */
  passwordHash: string | null;
  isSuperuser: boolean;
  isActive: boolean;
  createdAt: Date;
  role: UserRole;
  graduationYear: number | null;
  oidcSubject: string | null;
  /** when the guidelines were last accepted; null: never */
  guidelinesAcceptedAt: Date | null;
  /** the version accepted then; null: accepted before versions were recorded */
  guidelinesVersion: string | null;
  /** null: invited by username and never logged in */
  lastLoginAt: Date | null;
}

/** A login session; only the sha-256 hex of its token is known. */
/** Which door a session opens: the web interface and API, or the shell server's channels only. */
export type SessionKind = "web" | "shell";

export interface Session {
  tokenHash: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}
