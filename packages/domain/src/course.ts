import type { Brand } from "./brand.js";
import { DirectorError } from "./errors.js";
import { parseSiteName, type SiteName } from "./site-name.js";

/**
 * A course: a class a teacher provisions sites for, one project site per student. Its name goes into site names
 * (`{course}-{username}`), so it follows the site name grammar, shorter, to leave room for a username.
 */
export type CourseName = Brand<string, "CourseName">;

export const courseNamePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const courseNameMaxLength = 16;

export function parseCourseName(value: unknown): CourseName {
  if (typeof value !== "string" || value.length < 2 || value.length > courseNameMaxLength) {
    throw courseInvalid("name", `A course name is 2 to ${courseNameMaxLength} characters long.`);
  }
  if (!courseNamePattern.test(value)) {
    throw courseInvalid(
      "name",
      "A course name may contain only lowercase letters, digits and single hyphens between them (for example cs101).",
    );
  }
  return value as CourseName;
}

/** A course as the manager works with it. */
export interface CourseRecord {
  id: number;
  name: CourseName;
  title: string;
  siteNamePattern: string;
  siteType: "static" | "dynamic";
  /** the published image each student's site runs (dynamic courses); null: the default image */
  imageId: number | null;
  imageName: string | null;
  /** the site whose files each new student site starts with; null: none (or deleted since) */
  templateSiteId: number | null;
  templateSiteName: string | null;
  ownerId: number;
  ownerUsername: string;
  createdAt: Date;
}

/** The placeholders a site name pattern may hold; `{username}` is required, so that each student's name differs. */
export const siteNamePlaceholders = ["course", "username"] as const;
export const defaultSiteNamePattern = "{course}-{username}";

/**
 * Checks a pattern such as `{course}-{username}`: only known placeholders, `{username}` among them, and literal
 * text that can be part of a site name. The pattern is tried on a sample so that a mistake shows when the course
 * is made, not on every row of its roster.
 */
export function parseSiteNamePattern(value: unknown, course: CourseName): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) {
    throw courseInvalid("siteNamePattern", "A site name pattern is 1 to 64 characters long.");
  }
  const placeholders = [...value.matchAll(/\{([^}]*)\}/g)].map((match) => match[1] ?? "");
  const unknown = placeholders.find((name) => !(siteNamePlaceholders as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw courseInvalid("siteNamePattern", `The pattern may use {course} and {username}; {${unknown}} is unknown.`);
  }
  if (!placeholders.includes("username")) {
    throw courseInvalid("siteNamePattern", "The pattern must hold {username}, so that each student's site differs.");
  }
  const literal = value.replace(/\{[^}]*\}/g, "");
  if (!/^[a-z0-9-]*$/.test(literal)) {
    throw courseInvalid(
      "siteNamePattern",
      "Besides its placeholders, the pattern may hold only lowercase letters, digits and hyphens.",
    );
  }
  try {
    siteNameFor(value, course, "student");
  } catch (error) {
    throw courseInvalid("siteNamePattern", `The pattern does not make a valid site name: ${(error as Error).message}`);
  }
  return value;
}

/**
 * The site name a pattern gives one student. A username may hold dots and underscores, which a site name may not:
 * each becomes a hyphen. SITE_NAME_INVALID when the result is no site name (too long, most often).
 */
export function siteNameFor(pattern: string, course: CourseName, username: string): SiteName {
  const usernamePart = username.replace(/[._]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  const name = pattern.replaceAll("{course}", course).replaceAll("{username}", usernamePart);
  return parseSiteName(name);
}

function courseInvalid(field: string, message: string): DirectorError {
  return new DirectorError("VALIDATION_FAILED", message, { details: { fields: { [field]: message } } });
}
