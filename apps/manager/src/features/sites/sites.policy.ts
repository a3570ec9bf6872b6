import type { Actor } from "@director/domain/actor";
import type { SitePurpose } from "@director/domain/site";
import type { UserRole } from "@director/domain/user-role";

/**
 * administer: availability and resource limits, which only administrators set;
 * manage_members: add and remove members; edit_description: the site's description
 */
export type SiteAction = "view" | "edit_files" | "edit_description" | "manage_members" | "delete" | "administer";

/** A site as the policy sees it. */
export interface SiteAccessFacts {
  purpose: SitePurpose;
  availability: "enabled" | "not-served" | "disabled";
  isMember: boolean;
  /** a personal site's owner: the person it is named after (other members are guests there) */
  isOwner?: boolean;
}

/**
 * May `actor` do `action` on this site? Administrators may do everything; members may view and edit their
 * sites unless an administrator disabled them; only a personal site's owner manages its members; only
 * administrators delete sites other than personal ones. A false answer for "view" must look like "no such site"
 * to the caller (no leak of its existence).
 */
export function canActOnSite(actor: Actor, site: SiteAccessFacts, action: SiteAction): boolean {
  if (actor.isSuperuser) return true;
  if (!site.isMember) return false;
  const isChangeable = site.availability !== "disabled";
  switch (action) {
    case "view":
      return true;
    case "edit_files":
    case "edit_description":
      return isChangeable;
    case "manage_members":
      return isChangeable && (site.purpose !== "personal" || site.isOwner === true);
    case "delete":
      return site.purpose === "personal" && site.isOwner !== false && isChangeable;
    case "administer":
      return false;
  }
}

/**
 * Which purposes each role may create without an administrator. Activity (club) sites go through a request that a
 * teacher and an administrator approve; teachers may also start project sites (a class's work); service accounts
 * create none. Administrators create any purpose.
 */
export const creatablePurposesByRole: Record<UserRole, readonly SitePurpose[]> = {
  student: ["personal"],
  teacher: ["personal", "project"],
  service: [],
};

/**
 * May `actor` create a site of this purpose and name? Administrators create any site; everyone else the purposes
 * their role allows, and a personal site only for themselves, named after them (one each, since names are unique).
 */
export function canCreateSite(actor: Actor, request: { purpose: SitePurpose; name: string }): boolean {
  if (actor.isSuperuser) return true;
  if (!creatablePurposesByRole[actor.role ?? "student"].includes(request.purpose)) return false;
  return request.purpose !== "personal" || request.name === actor.username;
}
