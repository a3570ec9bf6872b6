/** Recognising PostgreSQL failures by SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
import { DirectorError } from "@director/domain/errors";

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

/** True for a foreign_key_violation (23503), optionally only of the named constraint. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const fields = fieldsOf(error);
  return fields.code === "23503" && (constraint === undefined || fields.constraint === constraint);
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
