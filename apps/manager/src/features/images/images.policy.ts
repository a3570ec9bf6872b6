import type { Actor } from "@director/domain/actor";

/** What one may do with published images. */
export type ImageAction = "view" | "use" | "manage";

/**
 * May `actor` do `action` on an image? Only administrators manage images (they hold trusted shell: setup commands
 * and the install command run as root in builds) and see hidden ones; everyone logged in sees and uses the
 * user-visible ones. A false answer for "view" or "use" must look like "no such image".
 */
export function canActOnImage(actor: Actor, image: { isUserVisible: boolean } | null, action: ImageAction): boolean {
  if (actor.isSuperuser) return true;
  if (action === "manage") return false;
  return image?.isUserVisible === true;
}
