/** Checks a SiteServiceSpec before any of it reaches a Docker spec (DESIGN rule 3); pure. */
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { parseImageRef } from "@director/domain/image-ref";
import { parseSiteId } from "@director/domain/site";
import { siteEnvironmentLimits, siteVariableNamePattern } from "@director/domain/site-variable";
import type { SiteServiceSpec } from "./service-runtime.js";
import { isSiteUser } from "./site-user.js";

const mebibyte = 1024 * 1024;
/** Bounds of the limits an administrator may set. Docker itself refuses memory limits under 6 MiB. */
export const siteLimitBounds = {
  cpus: { min: 0.01, max: 64 },
  memoryBytes: { min: 8 * mebibyte, max: 256 * 1024 * mebibyte },
  pidsLimit: { min: 8, max: 65_536 },
} as const;

export const siteEnvNamePattern = siteVariableNamePattern;
/** Names the platform sets itself; a site's env may not replace them. */
export const reservedSiteEnvNames: readonly string[] = ["PORT", "HOST", "HOME", "PATH", "TZ"];
const siteEnvMaxEntries = siteEnvironmentLimits.maxEntries;
const siteEnvValueMaxLength = siteEnvironmentLimits.maxValueChars;
// Docker network names: no grammar is documented; this is the safe subset we create.
const networkNamePattern = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** Returns the spec unchanged when every field is within its grammar and bounds; throws a user error naming the field otherwise. */
export function checkSiteServiceSpec(spec: SiteServiceSpec): SiteServiceSpec {
  parseSiteId(spec.siteId);
  parseImageRef(spec.image);
  if (!path.isAbsolute(spec.siteDirectory) || path.normalize(spec.siteDirectory) !== spec.siteDirectory) {
    throw new DirectorError("PATH_INVALID", "The site directory must be an absolute, normalized path.", {
      details: { field: "siteDirectory" },
    });
  }
  if (!networkNamePattern.test(spec.networkName)) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      "The site network name must be lowercase letters, digits, '.', '_', '-'.",
      {
        details: { field: "networkName" },
      },
    );
  }
  if (!isSiteUser(spec.user)) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      "A site's process runs as a uid and gid from 1 to 2^31-2, never root.",
      {
        details: { field: "user" },
      },
    );
  }
  checkLimits(spec.limits);
  checkEnv(spec.env);
  return spec;
}

function checkLimits(limits: SiteServiceSpec["limits"]): void {
  for (const field of ["cpus", "memoryBytes", "pidsLimit"] as const) {
    const value = limits[field];
    const { min, max } = siteLimitBounds[field];
    const isWhole = field !== "cpus";
    if (typeof value !== "number" || !Number.isFinite(value) || (isWhole && !Number.isInteger(value))) {
      throw new DirectorError("SITE_LIMITS_INVALID", `The ${field} limit must be a ${isWhole ? "whole " : ""}number.`, {
        details: { field },
      });
    }
    if (value < min || value > max) {
      throw new DirectorError("SITE_LIMITS_INVALID", `The ${field} limit must be between ${min} and ${max}.`, {
        details: { field },
      });
    }
  }
}

function checkEnv(env: SiteServiceSpec["env"]): void {
  const entries = Object.entries(env);
  if (entries.length > siteEnvMaxEntries) {
    throw new DirectorError("SITE_ENV_INVALID", `A site may set at most ${siteEnvMaxEntries} environment variables.`);
  }
  for (const [name, value] of entries) {
    if (!siteEnvNamePattern.test(name)) {
      throw new DirectorError(
        "SITE_ENV_INVALID",
        `The environment variable name ${JSON.stringify(name)} must be capital letters, digits and '_' and not start with a digit.`,
        { details: { field: "env", name } },
      );
    }
    if (reservedSiteEnvNames.includes(name)) {
      throw new DirectorError("SITE_ENV_INVALID", `The environment variable ${name} is set by Director.`, {
        details: { field: "env", name },
      });
    }
    // A NUL cannot be passed to execve; Docker would reject the whole service.
    if (typeof value !== "string" || value.length > siteEnvValueMaxLength || value.includes("\0")) {
      throw new DirectorError(
        "SITE_ENV_INVALID",
        `The value of ${name} must be text of at most ${siteEnvValueMaxLength} characters without NUL.`,
        { details: { field: "env", name } },
      );
    }
  }
}
