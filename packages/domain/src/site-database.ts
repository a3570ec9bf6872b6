import { randomBytes } from "node:crypto";
import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";
import { type InstallationId, isInstallationId } from "./installation-id.js";
import type { SiteId } from "./site.js";

/** The engines a site database can live on; "mysql" covers MariaDB and MySQL (one protocol, one SQL dialect). */
export const siteDatabaseKinds = ["postgres", "mysql"] as const;
export type SiteDatabaseKind = (typeof siteDatabaseKinds)[number];

/**
 * The name of a site's database, which is also the name of its own user (role) on the database host:
 * `dir_<installation id>_s<site id>`, e.g. `dir_k3x9p2aq_s42`. Generated, never taken from input: only
 * `[a-z0-9_]`, at most 32 characters, which fits MySQL's user names (32), MariaDB's (80), MySQL's database names (64)
 * and PostgreSQL's identifiers (63 bytes). Drivers still quote it wherever it is used.
 */
export type SiteDatabaseName = Brand<string, "SiteDatabaseName">;

/** A site database on one host: which site it belongs to, and its name (database and user alike). */
export interface SiteDatabaseIdentity {
  installationId: InstallationId;
  siteId: SiteId;
  name: SiteDatabaseName;
}

/** A site database user's password: generated, URL-safe (`[A-Za-z0-9_-]`), never shown in lists or logs. */
export type DatabasePassword = Brand<string, "DatabasePassword">;

/** MySQL 5.7+ allows 32 characters in a user name; the longest name (16-character installation, 10-digit site) fits. */
export const siteDatabaseNameMaxLength = 32;
/** Site ids are PostgreSQL `integer` identity values (packages/db migration 0001). */
const maxSiteId = 2_147_483_647;
const siteDatabaseNamePattern = /^dir_([a-z0-9]{1,16})_s([1-9][0-9]{0,9})$/;

/** The identity of `siteId`'s database in installation `installationId`. */
export function siteDatabaseIdentity(installationId: InstallationId, siteId: SiteId): SiteDatabaseIdentity {
  if (!Number.isSafeInteger(siteId) || siteId <= 0 || siteId > maxSiteId) {
    throw new DirectorError("VALIDATION_FAILED", `Site id ${siteId} cannot name a site database.`);
  }
  return { installationId, siteId, name: `dir_${installationId}_s${siteId}` as SiteDatabaseName };
}

/**
 * Reads a name found on a database host back into the identity it was made from; throws VALIDATION_FAILED for
 * anything Director did not generate (any character outside `[a-z0-9_]`, another shape, a site id out of range).
 */
export function parseSiteDatabaseName(value: unknown): SiteDatabaseIdentity {
  const match = typeof value === "string" ? siteDatabaseNamePattern.exec(value) : null;
  const installationId = match?.[1];
  const siteId = Number(match?.[2]);
  if (!match || installationId === undefined || !isInstallationId(installationId) || siteId > maxSiteId) {
    throw new DirectorError("VALIDATION_FAILED", "Not the name of a site database Director made.");
  }
  return siteDatabaseIdentity(installationId, siteId as SiteId);
}

/** The identity named `value` when it is one of `installationId`'s site databases; undefined for any other name. */
export function findSiteDatabaseName(value: string, installationId: InstallationId): SiteDatabaseIdentity | undefined {
  try {
    const identity = parseSiteDatabaseName(value);
    return identity.installationId === installationId ? identity : undefined;
  } catch (error) {
    if (error instanceof DirectorError && error.code === "VALIDATION_FAILED") return undefined;
    throw error;
  }
}

const passwordPattern = /^[A-Za-z0-9_-]{32,128}$/;

/** A new password of 32 URL-safe characters (192 random bits): safe in a URL, an environment variable and a shell. */
export function generateDatabasePassword(): DatabasePassword {
  return randomBytes(24).toString("base64url") as DatabasePassword;
}

/** Accepts a stored password of 32 to 128 URL-safe characters (what `generateDatabasePassword` makes). */
export function parseDatabasePassword(value: unknown): DatabasePassword {
  if (typeof value !== "string" || !passwordPattern.test(value)) {
    throw new DirectorError("VALIDATION_FAILED", "A site database password is 32 to 128 URL-safe characters.");
  }
  return value as DatabasePassword;
}

/** Where a site's database stands: being made, usable, or being dropped (migration 0016). */
export const siteDatabaseStatuses = ["creating", "ready", "removing"] as const;
export type SiteDatabaseStatus = (typeof siteDatabaseStatuses)[number];

/** A site's database as the manager records it; the passwords only sealed (`v1:...`). */
export interface SiteDatabaseRecord {
  siteId: SiteId;
  hostId: number;
  /** null until the host has made it (status `creating`) */
  name: SiteDatabaseName | null;
  passwordEncrypted: string;
  /** a rotation's new password until the host has it; else null */
  nextPasswordEncrypted: string | null;
  status: SiteDatabaseStatus;
  /** an administrator's size limit for it, in bytes; null: the installation's default */
  sizeLimitBytes: number | null;
  /** what the background check last measured (null: not yet), and when */
  sizeBytes: number | null;
  sizeMeasuredAt: Date | null;
  /** since when its writes are stopped for being past its limit (domain/site-database-quota.ts); null: they are not */
  writesStoppedAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
