import type { Actor } from "@director/domain/actor";

/** What one may do with accounts and platform-wide administration. */
export type AdministrationAction = "list_users" | "invite_user" | "update_user" | "read_audit" | "send_mass_mail";

/** May `actor` do `action`? Administration (accounts, the audit log, mass email) is for administrators only. */
export function canAdminister(actor: Actor, _action: AdministrationAction): boolean {
  return actor.isSuperuser;
}

/** A change an administrator asks for on an account. */
export interface AccountChange {
  isSuperuser?: boolean;
  isActive?: boolean;
}

/**
 * Would this change lock `actor` out of administration? An administrator may not remove their own rights or
 * disable their own account (another administrator must), so an installation never loses its last administrator
 * by a slip. Returns what is wrong, or null.
 */
export function selfLockoutIn(
  actor: Actor,
  target: { id: number },
  change: AccountChange,
): "removes_own_admin" | "disables_self" | null {
  if (actor.id !== target.id) return null;
  if (change.isSuperuser === false && actor.isSuperuser) return "removes_own_admin";
  if (change.isActive === false) return "disables_self";
  return null;
}
