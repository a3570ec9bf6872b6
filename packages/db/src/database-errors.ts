/** Recognising PostgreSQL failures by SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
import { DirectorError, type ErrorCode } from "@director/domain/errors";

interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
}

function fieldsOf(error: unknown): PgErrorFields {
  return typeof error === "object" && error !== null ? (error as PgErrorFields) : {};
}

/** True for a unique_violation (23505), optionally only of the named constraint or unique index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const fields = fieldsOf(error);
  return fields.code === "23505" && (constraint === undefined || fields.constraint === constraint);
}

/** What a write that keeps a name unique answers when the name is in use: the constraint, and the code and message. */
export interface NameTaken {
  constraint: string;
  code: ErrorCode;
  message: string;
}

/**
 * The result of `write`; when it broke `taken.constraint` (a unique violation), a DirectorError `taken.code` that
 * names the field (details.fields.name) and keeps the cause. Any other failure is thrown as it is.
 */
export async function keepingNameUnique<T>(taken: NameTaken, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error, taken.constraint)) throw error;
    throw new DirectorError(taken.code, taken.message, { details: { fields: { name: "is taken" } }, cause: error });
  }
}

/**
 * True for a foreign_key_violation (23503) or a restrict_violation (23001: what newer PostgreSQL reports for a delete
 * that an `ON DELETE RESTRICT` key refuses), optionally only of the named constraint.
 */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const fields = fieldsOf(error);
  const isViolation = fields.code === "23503" || fields.code === "23001";
  return isViolation && (constraint === undefined || fields.constraint === constraint);
}

/** Network-level failures (refused, reset, DNS) and PostgreSQL's "cannot connect now" family (class 08, 57P01–57P03). */
export function isConnectionError(error: unknown): boolean {
  const code = fieldsOf(error).code;
  if (typeof code !== "string") return false;
  return (
    ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03"].includes(code) ||
    code.startsWith("08")
  );
}

/** Turns a lost or refused connection into DATABASE_UNAVAILABLE (keeping the cause); anything else is returned as is. */
export function asDatabaseUnavailable(error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  return new DirectorError("DATABASE_UNAVAILABLE", "The database is not reachable right now; try again shortly.", {
    cause: error,
  });
}

/**
 * True when PostgreSQL refused text it cannot store: NUL (22021 character_not_in_repertoire; `text` never holds
 * U+0000) or a character the database's encoding lacks (22P05 untranslatable_character).
 */
export function isUnstorableText(error: unknown): boolean {
  const code = fieldsOf(error).code;
  return code === "22021" || code === "22P05";
}

/**
 * The database's refusals that are the caller's fault, as a DirectorError for the HTTP edge (the cause kept); null
 * for anything else. A safety net: request schemas refuse NUL first (packages/contracts/src/text.ts), with the field
 * named; this catches text that reached a query some other way, as a 400 instead of a 500.
 */
export function translateDatabaseError(error: unknown): DirectorError | null {
  if (!isUnstorableText(error)) return null;
  return new DirectorError(
    "VALIDATION_FAILED",
    "The request holds a character that cannot be stored (NUL, U+0000, or one the database's encoding lacks).",
    { cause: error },
  );
}
