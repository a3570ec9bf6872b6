import type { Actor } from "@director/domain/actor";

/**
 * May `actor` run reconcile (see every site's drift, queue repairs, remove leftovers)? Administrators only: it
 * touches every site and reports on sites the actor is no member of.
 */
export function canReconcile(actor: Actor): boolean {
  return actor.isSuperuser;
}
