/**
 * Errors of the manager's JSON API as the web interface sees them. Every error answer has the body
 * `{"error":{"code","message","details?"}}` (packages/contracts/src/error-body.ts); anything else (a proxy's HTML
 * page, a dropped connection) becomes an ApiError with a code of our own, so pages handle one shape.
 */

/** Codes the client makes itself, for failures that never reached the API or answered something else. */
export type ClientErrorCode = "NETWORK_FAILED" | "BAD_RESPONSE";

/** A failed API call: the HTTP status (0 when no answer came), the API's stable code and its message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The ApiError for an answer with a status ≥ 400 and its body (parsed JSON, or the raw text when it was not JSON). */
export function toApiError(status: number, body: unknown): ApiError {
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === "string" && typeof error.message === "string") {
    return new ApiError(status, error.code, error.message, isRecord(error.details) ? error.details : undefined);
  }
  return new ApiError(status, "BAD_RESPONSE", `The server answered ${status} without an error description.`);
}

/** The ApiError for a request that got no answer at all (offline, server stopped, connection reset). */
export function networkError(cause: unknown): ApiError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, "NETWORK_FAILED", `Director could not be reached (${reason}). Check your connection.`);
}

/**
 * Codes that belong to one form field although the API reports them without `details.fields`
 * (domain errors thrown by a parser, e.g. parseSiteName): the form shows them under that field.
 */
const fieldOfCode: Record<string, string> = {
  SITE_NAME_INVALID: "name",
  SITE_NAME_RESERVED: "name",
  SITE_NAME_TAKEN: "name",
  SITE_TYPE_UNSUPPORTED: "type",
  USERNAME_INVALID: "username",
  USERNAME_TAKEN: "username",
  PASSWORD_TOO_WEAK: "password",
  PACKAGE_NAME_INVALID: "packages",
  IMAGE_NAME_TAKEN: "name",
  IMAGE_REF_INVALID: "parentRef",
  SSH_KEY_INVALID: "publicKey",
  SSH_KEY_EXISTS: "publicKey",
};

/**
 * Field-level messages of a failed form submission, keyed by field name: `details.fields` of a
 * VALIDATION_FAILED answer (paths like `limits.cpus` stay as they are; `body` means the whole form), plus the
 * field a known domain code belongs to. Empty when the error is about no field in particular.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const fields: Record<string, string> = {};
  const reported = error.details?.fields;
  if (isRecord(reported)) {
    for (const [field, message] of Object.entries(reported)) {
      if (typeof message === "string") fields[field] = message;
    }
  }
  const field = fieldOfCode[error.code];
  if (field !== undefined && fields[field] === undefined) fields[field] = error.message;
  return fields;
}

/** The session is gone or never was: the interface goes to the login page. */
export function isLoginRequired(error: unknown): boolean {
  return error instanceof ApiError && error.code === "AUTH_REQUIRED";
}

/** The user has not accepted the guidelines yet: the interface goes to the guidelines page. */
export function isGuidelinesRequired(error: unknown): boolean {
  return error instanceof ApiError && error.code === "GUIDELINES_NOT_ACCEPTED";
}

/** A sentence for any failure, for a page's error banner. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The error to show above a form: null when every field message it carries belongs to one of the form's
 * `fieldNames` (they are shown under their fields), else the error itself, so nothing is ever left unsaid.
 */
export function formLevelError(error: unknown, fieldNames: readonly string[]): unknown {
  if (error === null || error === undefined) return null;
  const fields = Object.keys(fieldErrorsOf(error));
  if (fields.length > 0 && fields.every((field) => fieldNames.includes(field))) return null;
  return error;
}
