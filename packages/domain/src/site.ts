import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";
import type { SiteName } from "./site-name.js";

/** A site's numeric id; it names the site's directory and (later) its Swarm service, so it never changes on rename. */
export type SiteId = Brand<number, "SiteId">;

export const siteTypes = ["static", "dynamic"] as const;
export type SiteType = (typeof siteTypes)[number];

export const sitePurposes = ["personal", "project", "activity", "other"] as const;
export type SitePurpose = (typeof sitePurposes)[number];

/** enabled: served to everyone; not-served: owners still work on it, the public sees a notice; disabled: admins only. */
export const siteAvailabilities = ["enabled", "not-served", "disabled"] as const;
export type SiteAvailability = (typeof siteAvailabilities)[number];

export interface Site {
  id: SiteId;
  name: SiteName;
  type: SiteType;
  purpose: SitePurpose;
  description: string;
  availability: SiteAvailability;
  /** null until the create operation has finished */
  readyAt: Date | null;
  createdAt: Date;
}

export function parseSiteId(value: unknown): SiteId {
  const id = typeof value === "string" && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
    throw new DirectorError("VALIDATION_FAILED", "A site id must be a positive whole number.");
  }
  return id as SiteId;
}
