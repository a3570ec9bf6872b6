import type { Actor } from "@director/domain/actor";

/**
 * May `actor` see and change database hosts? Only administrators: a host's admin account can create and drop every
 * site's database on it, so even its user name and address are for them only.
 */
export function canManageDatabaseHosts(actor: Pick<Actor, "isSuperuser">): boolean {
  return actor.isSuperuser;
}
