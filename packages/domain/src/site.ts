import type { Brand } from "./brand.js";
import type { CustomDomain } from "./custom-domain.js";
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

/** A site with the columns only the platform needs besides the domain's view of it. */
export interface SiteRecord extends Site {
  /** largest request body nginx accepts for this site; null means the platform default */
  clientBodyLimitBytes: number | null;
  /** CPUs a dynamic site's process may use; null means the platform default */
  cpus: number | null;
  /** memory a dynamic site's process may use, in MiB; null means the platform default */
  memoryMib: number | null;
  /** the published image the site chose; null means the default image */
  imageId: number | null;
  /** extra packages installed into the site's own image, sorted */
  extraPackages: string[];
  /** the last image built successfully for the site, which its service runs; null means the base image */
  imageRef: string | null;
  /** an administrator's comment, shown to the site's members ("" for none) */
  adminComment: string;
  /** grows with every change of the site or of its members: a page that shows it reads it again when it grew */
  revision: number;
  /** the site's own domains, sorted (site_domains, kept on the row by a trigger) */
  domains: CustomDomain[];
  /** those of its domains served over HTTPS: their certificate is active */
  httpsDomains: CustomDomain[];
}
