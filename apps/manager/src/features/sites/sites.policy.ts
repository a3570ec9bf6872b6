import type { SitePurpose } from "@director/domain/site";

/** Who is acting: enough of a user for every rule here. */
export interface Actor {
  id: number;
  username: string;
  isSuperuser: boolean;
}

/** administer: availability and resource limits, which only administrators set */
export type SiteAction = "view" | "edit_files" | "delete" | "administer";

/** A site as the policy sees it. */
export interface SiteAccessFacts {
  purpose: SitePurpose;
  availability: "enabled" | "not-served" | "disabled";
  isMember: boolean;
}

/**
 * May `actor` do `action` on this site? Administrators may do everything; members may view and edit their
 * sites unless an administrator disabled them; only administrators delete sites other than personal ones.
 * A false answer for "view" must look like "no such site" to the caller (no leak of its existence).
 */
export function canActOnSite(actor: Actor, site: SiteAccessFacts, action: SiteAction): boolean {
  if (actor.isSuperuser) return true;
  if (!site.isMember) return false;
  switch (action) {
    case "view":
      return true;
    case "edit_files":
      return site.availability !== "disabled";
    case "delete":
      return site.purpose === "personal" && site.availability !== "disabled";
    case "administer":
      return false;
  }
}

/**
 * May `actor` create a site of this purpose and name? Administrators create any site; everyone else only their
 * own personal site, named after them (club and project sites go through requests and approvals).
 */
export function canCreateSite(actor: Actor, request: { purpose: SitePurpose; name: string }): boolean {
  if (actor.isSuperuser) return true;
  return request.purpose === "personal" && request.name === actor.username;
}
