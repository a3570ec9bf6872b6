/**
 * A site's environment variables and secrets: what its process, terminals and SSH sessions get besides what
 * Director sets. Names are POSIX shell names; the ones Director sets itself (`PORT`, `HOST`, `TZ`, `HOME`, `PATH`,
 * the database's `DATABASE_URL` and everything under `DIRECTOR_`) are refused, so that a variable never silently
 * loses to Director's or breaks the process's start. A secret's value is write-only: stored sealed, shown to nobody.
 */
import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";

export type SiteVariableName = Brand<string, "SiteVariableName">;

/**
 * What one site process's environment may hold (the orchestrator checks it again before Docker sees it): Docker
 * passes every variable on the service's spec, and execve takes no NUL.
 */
export const siteEnvironmentLimits = {
  /** entries in all: the site's own variables and the database's */
  maxEntries: 100,
  /** characters of one value (a 4096-bit RSA key in PEM fits) */
  maxValueChars: 8192,
} as const;

/** How many variables, and how large, a site may have of its own; the database's 8 fit beside the most. */
export const siteVariableLimits = {
  maxCount: 90,
  maxNameChars: 128,
  maxValueChars: siteEnvironmentLimits.maxValueChars,
  /** bytes of all names and values together (UTF-8) */
  maxTotalBytes: 64 * 1024,
} as const;

/** Capital letters, digits and `_`, not starting with a digit: the names shells and every language read alike. */
export const siteVariableNamePattern = /^[A-Z_][A-Z0-9_]*$/;

/** Set by Director on every site process (swarm-service-spec.ts) or by its database (site-database-environment.ts). */
const reservedNames = new Set(["PORT", "HOST", "TZ", "HOME", "PATH", "DATABASE_URL"]);
const reservedPrefix = "DIRECTOR_";

/** A variable as a member sets it: a secret's value may be left out to keep the one stored. */
export interface SiteVariableInput {
  name: string;
  value?: string | undefined;
  isSecret: boolean;
}

/** One variable as stored (the value sealed when it is a secret). */
export interface SiteVariableRecord {
  name: SiteVariableName;
  value: string;
  isSecret: boolean;
  updatedAt: Date;
}

/** Why `name` cannot be a site's variable, in words; null when it can. */
export function siteVariableNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > siteVariableLimits.maxNameChars) {
    return `A variable's name has 1 to ${siteVariableLimits.maxNameChars} characters.`;
  }
  if (!siteVariableNamePattern.test(name)) {
    return "A variable's name has capital letters, digits and underscores, and does not start with a digit.";
  }
  if (reservedNames.has(name) || name.startsWith(reservedPrefix)) {
    return `${name} is set by Director (PORT, HOST, TZ, HOME, PATH, DATABASE_URL and DIRECTOR_*); choose another name.`;
  }
  return null;
}

/**
 * Checks a whole set as a member sends it: names valid, not reserved and each once (case-sensitive, as the
 * environment is), values without NUL (the environment cannot hold one) and within the limits.
 * SITE_VARIABLE_INVALID names the field of the first problem (`variables.3.name`).
 */
export function checkSiteVariables(variables: readonly SiteVariableInput[]): void {
  const refuse = (field: string, message: string): never => {
    throw new DirectorError("SITE_VARIABLE_INVALID", message, { details: { fields: { [field]: message } } });
  };
  if (variables.length > siteVariableLimits.maxCount) {
    refuse("variables", `A site has at most ${siteVariableLimits.maxCount} variables.`);
  }
  const seen = new Set<string>();
  let totalBytes = 0;
  variables.forEach((variable, index) => {
    const problem = siteVariableNameProblem(variable.name);
    if (problem !== null) refuse(`variables.${index}.name`, problem);
    if (seen.has(variable.name)) refuse(`variables.${index}.name`, `${variable.name} is listed twice.`);
    seen.add(variable.name);
    const value = variable.value ?? "";
    if (value.includes("\0")) refuse(`variables.${index}.value`, "A value cannot hold a NUL character.");
    if (value.length > siteVariableLimits.maxValueChars) {
      refuse(`variables.${index}.value`, `A value has at most ${siteVariableLimits.maxValueChars} characters.`);
    }
    totalBytes += Buffer.byteLength(value, "utf8") + variable.name.length;
  });
  if (totalBytes > siteVariableLimits.maxTotalBytes) {
    refuse("variables", `A site's variables hold at most ${siteVariableLimits.maxTotalBytes / 1024} KiB together.`);
  }
}
