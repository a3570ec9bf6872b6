import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";
import type { SiteDatabaseKind } from "./site-database.js";

/** The name an administrator gives a database host (`main-postgres`): it appears in URLs and API bodies. */
export type DatabaseHostName = Brand<string, "DatabaseHostName">;

/** 1–63 characters: lowercase letters and digits in groups joined by single hyphens (as migration 0015 checks). */
const databaseHostNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const databaseHostNameMaxLength = 63;

/** Parses a database host's name; throws VALIDATION_FAILED naming the field. */
export function parseDatabaseHostName(value: unknown): DatabaseHostName {
  if (typeof value !== "string" || value.length > databaseHostNameMaxLength || !databaseHostNamePattern.test(value)) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      "A database host's name is 1 to 63 lowercase letters and digits, with single hyphens between them (main-postgres).",
      { details: { fields: { name: "must be 1 to 63 lowercase letters, digits and single hyphens" } } },
    );
  }
  return value as DatabaseHostName;
}

/**
 * A database host as registered: where sites reach it (`siteHost:sitePort`, an address of the sites network), its
 * admin URL sealed (never in plain text outside the one call that uses it), how many site databases it may hold, and
 * whether it takes new ones.
 */
export interface DatabaseHostRecord {
  id: number;
  name: DatabaseHostName;
  kind: SiteDatabaseKind;
  siteHost: string;
  sitePort: number;
  /** the admin URL, sealed by the manager's SecretBox (`v1:...`) */
  adminUrlEncrypted: string;
  maxDatabases: number;
  isAccepting: boolean;
  createdAt: Date;
  updatedAt: Date;
}
