import { DirectorError } from "./errors.js";
import type { GuidelinesVersion } from "./guidelines-version.js";

/**
 * A person's role at the institution. Administrators are not a role: they are superusers of any role.
 * `service` is an account for a program (a script, a monitoring probe), never a person.
 */
export const userRoles = ["student", "teacher", "service"] as const;
export type UserRole = (typeof userRoles)[number];

export function parseUserRole(value: unknown): UserRole {
  if (typeof value !== "string" || !(userRoles as readonly string[]).includes(value)) {
    throw new DirectorError("USER_ROLE_INVALID", `A role is one of ${userRoles.join(", ")}.`, {
      details: { field: "role" },
    });
  }
  return value as UserRole;
}

/** What the guidelines rules read of an account. */
export interface GuidelinesAcceptance {
  role: UserRole;
  /** when the person last accepted the guidelines; null: never */
  guidelinesAcceptedAt: Date | null;
  /** the version they last accepted; null: accepted before versions were recorded (see below) */
  guidelinesVersion: string | null;
}

/**
 * Has this account accepted `currentVersion` of the guidelines? An acceptance without a version counts for no
 * version: we cannot know which text it was. Such acceptances exist only from before versions were recorded, and
 * the manager records the version it serves for them once, when it starts after the upgrade
 * (UsersRepository.recordGuidelinesVersionOfUnversioned), so an upgrade does not ask everyone again and the next
 * change of the text does. Every acceptance made since (the web page, `director admin create-user`) stores its version.
 */
export function hasAcceptedGuidelines(user: GuidelinesAcceptance, currentVersion: GuidelinesVersion): boolean {
  return user.guidelinesAcceptedAt !== null && user.guidelinesVersion === currentVersion;
}

/**
 * Must this user accept the guidelines before using Director? People must, once per version of the text (when the
 * institution changes it, everyone reads it again); service accounts are programs and never read them.
 */
export function mustAcceptGuidelines(user: GuidelinesAcceptance, currentVersion: GuidelinesVersion): boolean {
  return user.role !== "service" && !hasAcceptedGuidelines(user, currentVersion);
}
