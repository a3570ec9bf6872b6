/**
 * Turns an identity provider's answer (OpenID Connect claims, or an OAuth2 profile API's JSON) into a Director
 * identity, by the configured field names or paths. Pure.
 */
import { DirectorError } from "@director/domain/errors";
import type { UserRole } from "@director/domain/user-role";
import { parseUsername, type Username } from "@director/domain/username";
import type { ProfileMapping } from "../../config-login.js";

/** Who the provider says the person is. */
export interface OidcIdentity {
  /** the provider's `sub`: stable for the person, unlike a username */
  subject: string;
  username: Username;
  displayName: string;
  email: string;
  /** null: the provider sent no role claim (an existing account keeps its role; a new one is a student) */
  role: Exclude<UserRole, "service"> | null;
  /** null: none sent, or not a year (an existing account keeps its own) */
  graduationYear: number | null;
}

/**
 * The value at `path`: the key itself when the object has it (claim names may hold dots, as URL-shaped claims do),
 * else a dotted path through objects and lists (`emails.0.address`).
 */
export function valueAt(source: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(source, path)) return source[path];
  let value: unknown = source;
  for (const step of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, step)) return undefined;
    if (Array.isArray(value) && !/^[0-9]+$/.test(step)) return undefined; // an index, not `length`
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** A field as one trimmed string, or undefined when absent, empty or not a string or number. */
function text(claims: Record<string, unknown>, name: string): string | undefined {
  const value = valueAt(claims, name);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A field as a list of strings: a string, a yes/no (`is_teacher`), or the strings of an array (groups). */
function values(claims: Record<string, unknown>, name: string): string[] {
  const value = valueAt(claims, name);
  if (typeof value === "string") return [value.trim().toLowerCase()];
  if (typeof value === "boolean") return [String(value)];
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === "string").map((item) => item.trim().toLowerCase());
  }
  return [];
}

/**
 * Maps a provider's answer to an identity. The username field is lowercased and must be a valid Director username,
 * and the subject must be present (OIDC_LOGIN_FAILED otherwise: the provider's setup or the field mapping is
 * wrong). The role is teacher when a value of the role field is a teacher value, else student (a person is never a
 * service account); null without a role field. A graduation year outside 1900–2200 or not a whole number is ignored.
 */
export function mapOidcClaims(claims: Record<string, unknown>, mapping: ProfileMapping): OidcIdentity {
  const subject = text(claims, mapping.subject);
  if (subject === undefined) {
    throw new DirectorError("OIDC_LOGIN_FAILED", `The identity provider sent no subject ("${mapping.subject}").`);
  }
  const rawUsername = text(claims, mapping.username);
  if (rawUsername === undefined) {
    throw new DirectorError(
      "OIDC_LOGIN_FAILED",
      `The identity provider sent no "${mapping.username}" field to take the username from (the configured username claim or path).`,
    );
  }
  let username: Username;
  try {
    username = parseUsername(rawUsername.toLowerCase());
  } catch (error) {
    throw new DirectorError(
      "OIDC_LOGIN_FAILED",
      `The identity provider's username "${rawUsername.slice(0, 64)}" is not a valid Director username.`,
      { cause: error },
    );
  }
  const joinedNames = [text(claims, mapping.givenName), text(claims, mapping.familyName)].filter(Boolean).join(" ");
  const displayName = (text(claims, mapping.name) ?? joinedNames) || username;
  const roleValues = values(claims, mapping.role);
  const isTeacher = mapping.teacherValues.some((value) => roleValues.includes(value.toLowerCase()));
  const year = Number(text(claims, mapping.graduationYear));
  return {
    subject,
    username,
    displayName: displayName.slice(0, 200),
    email: (text(claims, mapping.email) ?? "").slice(0, 320),
    role: roleValues.length === 0 ? null : isTeacher ? "teacher" : "student",
    graduationYear: Number.isInteger(year) && year >= 1900 && year <= 2200 ? year : null,
  };
}
