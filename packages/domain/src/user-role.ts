import { DirectorError } from "./errors.js";

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

/**
 * Must this user accept the guidelines before using Director? People must, once; service accounts are programs
 * and never read them.
 */
export function mustAcceptGuidelines(user: { role: UserRole; guidelinesAcceptedAt: Date | null }): boolean {
  return user.role !== "service" && user.guidelinesAcceptedAt === null;
}
