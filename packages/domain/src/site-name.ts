import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

/** A site name: 2–32 characters, lowercase letters and digits in groups joined by single hyphens. Safe in hostnames, nginx and paths. */
export type SiteName = Brand<string, "SiteName">;

export const siteNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const siteNameMinLength = 2;
export const siteNameMaxLength = 32;

/** Names and patterns no site may take; configurable per institution. */
export interface ReservedSiteNames {
  names: readonly string[];
  /** Regular expressions (source text) matched against the whole name. */
  patterns: readonly string[];
}

export const defaultReservedSiteNames: ReservedSiteNames = {
  names: ["www", "api", "admin", "director", "manager", "router", "static", "mail", "ns1", "ns2"],
  patterns: ["^director-.*", "^xn--.*"],
};

/** Checks the grammar only; reservation is a separate rule because it is configuration. */
export function parseSiteName(value: unknown): SiteName {
  if (typeof value !== "string") {
    throw new DirectorError("SITE_NAME_INVALID", "A site name must be a string.");
  }
  if (value.length < siteNameMinLength || value.length > siteNameMaxLength) {
    throw new DirectorError(
      "SITE_NAME_INVALID",
      `A site name must be ${siteNameMinLength} to ${siteNameMaxLength} characters long.`,
      { details: { field: "name" } },
    );
  }
  if (!siteNamePattern.test(value)) {
    throw new DirectorError(
      "SITE_NAME_INVALID",
      "A site name may contain only lowercase letters, digits and single hyphens between them (for example my-site-2).",
      { details: { field: "name" } },
    );
  }
  return value as SiteName;
}

/** Throws SITE_NAME_RESERVED when the institution keeps this name for itself. */
export function assertSiteNameAllowed(name: SiteName, reserved: ReservedSiteNames): void {
  const isReserved =
    reserved.names.includes(name) || reserved.patterns.some((source) => new RegExp(`^(?:${source})$`).test(name));
  if (isReserved) {
    throw new DirectorError("SITE_NAME_RESERVED", `The site name "${name}" is reserved; choose another.`, {
      details: { field: "name" },
    });
  }
}
