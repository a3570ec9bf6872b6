import type { Actor } from "@director/domain/actor";
import { canActOnSite, type SiteAccessFacts } from "../sites/sites.policy.js";

/** An operation as the policy sees it. */
export interface OperationAccessFacts {
  /** null once its site is gone (a deleted site's operations keep their row) */
  siteId: number | null;
  /** who asked for it; null for the system or a deleted account */
  createdBy: number | null;
}

/**
 * May `actor` see this operation and its steps (which name files, packages, error output of the site)?
 * Administrators see every one. An operation of a site is seen by whoever may view the site now: having started it
 * gives nothing once the person is no longer a member. An operation whose site is gone is seen by whoever started it
 * (a deleted site has no members left to ask). `site` is the operation's site, or null when it has none or it is gone.
 */
export function canViewOperation(actor: Actor, operation: OperationAccessFacts, site: SiteAccessFacts | null): boolean {
  if (actor.isSuperuser) return true;
  if (operation.siteId === null) return operation.createdBy === actor.id;
  return site !== null && canActOnSite(actor, site, "view");
}
