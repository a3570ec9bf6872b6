/** Turns an identity provider's claims into a Director identity, by the configured claim names. Pure. */
import { DirectorError } from "@director/domain/errors";
import type { UserRole } from "@director/domain/user-role";
import { parseUsername, type Username } from "@director/domain/username";
import type { OidcConfig } from "../../config.js";

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

/** A claim as one trimmed string, or undefined when absent, empty or not a string or number. */
function text(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A claim as a list of strings: a string, or the strings of an array (groups). */
function values(claims: Record<string, unknown>, name: string): string[] {
  const value = claims[name];
  if (typeof value === "string") return [value.trim().toLowerCase()];
  if (Array.isArray(value)) {
    return value.filter((item): item is string => typeof item === "string").map((item) => item.trim().toLowerCase());
  }
  return [];
}

/**
 * Maps claims to an identity. The username claim is lowercased and must be a valid Director username, and `sub`
 * must be present (OIDC_LOGIN_FAILED otherwise: the provider's setup or the claim mapping is wrong). The role is
 * teacher when a value of the role claim is a teacher value, else student (a person is never a service account);
 * null without a role claim. A graduation year outside 1900–2200 or not a whole number is ignored.
 */
export function mapOidcClaims(claims: Record<string, unknown>, mapping: OidcConfig["claims"]): OidcIdentity {
  const subject = text(claims, "sub");
  if (subject === undefined) throw new DirectorError("OIDC_LOGIN_FAILED", "The identity provider sent no subject.");
  const rawUsername = text(claims, mapping.username);
  if (rawUsername === undefined) {
    throw new DirectorError(
      "OIDC_LOGIN_FAILED",
      `The identity provider sent no "${mapping.username}" claim to take the username from (DIRECTOR_OIDC_USERNAME_CLAIM).`,
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
