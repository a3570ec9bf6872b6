/**
 * Domain errors: every failure a user or operator can see has a stable code.
 * Services throw these only; each app's HTTP edge maps a code to a status in one table.
 */

/** Who must act: the caller (bad input, missing rights), an operator (a dependency is down), or us (a bug). */
export type ErrorKind = "user" | "operational" | "unexpected";

export const errorCodes = {
  // input
  VALIDATION_FAILED: "user",
  SITE_NAME_INVALID: "user",
  SITE_NAME_RESERVED: "user",
  SITE_NAME_TAKEN: "user",
  SITE_TYPE_UNSUPPORTED: "user",
  USERNAME_INVALID: "user",
  USERNAME_TAKEN: "user",
  PASSWORD_TOO_WEAK: "user",
  USER_ROLE_INVALID: "user",
  /** a change that needs `confirm: true` (mass email): details say what it would do, e.g. the recipient count */
  CONFIRMATION_REQUIRED: "user",
  PATH_INVALID: "user",
  PATH_ESCAPES_SITE: "user",
  PATH_NOT_FOUND: "user",
  PATH_IS_DIRECTORY: "user",
  PATH_NOT_A_DIRECTORY: "user",
  PATH_IS_LINK: "user",
  UPLOAD_TOO_LARGE: "user",
  FILE_TOO_LARGE: "user",
  IMAGE_REF_INVALID: "user",
  SITE_ENV_INVALID: "user",
  SITE_LIMITS_INVALID: "user",
  PACKAGE_NAME_INVALID: "user",
  /** a site image could not be built (a typo in a package name, a failing setup command): the build log is in details */
  IMAGE_BUILD_FAILED: "user",
  /** a destructive request whose typed confirmation (the site's name) does not match */
  CONFIRMATION_MISMATCH: "user",
  /** a site request names a sponsor who is not a teacher */
  SPONSOR_NOT_A_TEACHER: "user",
  // access
  AUTH_REQUIRED: "user",
  AUTH_INVALID_CREDENTIALS: "user",
  CSRF_HEADER_MISSING: "user",
  /** too many login attempts from one address or for one username; try again later */
  LOGIN_RATE_LIMITED: "user",
  /**
   * one account did something that reaches other people too often (site requests, invitations): details say which
   * limit (`limit`) and when to try again (`retryAfterSeconds`, also the Retry-After header)
   */
  ACCOUNT_RATE_LIMITED: "user",
  /** the account exists but an administrator disabled it */
  ACCOUNT_DISABLED: "user",
  /** the user must accept the guidelines (POST /api/guidelines/accept) before anything else */
  GUIDELINES_NOT_ACCEPTED: "user",
  /** login with the institution's identity provider is not set up (DIRECTOR_OIDC_ISSUER unset) */
  OIDC_NOT_CONFIGURED: "user",
  /** the login's state cookie is missing, expired, forged or does not match the provider's answer: start again */
  OIDC_STATE_INVALID: "user",
  /** the provider refused the login, or its answer (tokens, claims) is unusable */
  OIDC_LOGIN_FAILED: "user",
  /** the provider's username belongs to an account that already logs in another way */
  OIDC_ACCOUNT_CONFLICT: "user",
  FORBIDDEN: "user",
  /** a browser's cookie-authenticated live connection (/ws) from a page of another site */
  ORIGIN_NOT_ALLOWED: "user",
  /** one account holds too many live connections (/ws) at once: close some tabs */
  LIVE_CONNECTION_LIMIT: "user",
  /** one account follows too many site logs at once, or the manager as many as it allows in all */
  LOG_STREAM_LIMIT: "user",
  INTERNAL_AUTH_INVALID: "user",
  // state
  NOT_FOUND: "user",
  USER_NOT_FOUND: "user",
  /** an administrator tried to remove their own administrator rights or disable their own account */
  SELF_LOCKOUT: "user",
  SITE_NOT_FOUND: "user",
  OPERATION_NOT_FOUND: "user",
  OPERATION_NOT_RETRYABLE: "user",
  SITE_BUSY: "user",
  SITE_NOT_READY: "user",
  SITE_PROCESS_FAILED: "user",
  IMAGE_NOT_FOUND: "user",
  IMAGE_NAME_TAKEN: "user",
  IMAGE_IN_USE: "user",
  /** only an administrator may leave a site without members */
  SITE_NEEDS_A_MEMBER: "user",
  SITE_REQUEST_NOT_FOUND: "user",
  /** the site request is not in the state this decision needs (already decided, or waiting for someone else) */
  REQUEST_STATE_INVALID: "user",
  // infrastructure
  NGINX_CONFIG_REJECTED: "operational",
  NGINX_RELOAD_FAILED: "operational",
  COMPONENT_UNREACHABLE: "operational",
  MAIL_FAILED: "operational",
  /** the identity provider's discovery document or endpoints did not answer as expected */
  OIDC_PROVIDER_UNAVAILABLE: "operational",
  COMPONENT_REJECTED: "operational",
  DATABASE_UNAVAILABLE: "operational",
  CONFIG_INVALID: "operational",
  DOCKER_UNAVAILABLE: "operational",
  DOCKER_REJECTED: "operational",
  /** the Docker daemon would run site processes without no-new-privileges: dynamic sites are refused until it does */
  DOCKER_UNSAFE: "operational",
  /** a removed site's process has not ended yet; its files are deleted once it has (retried) */
  SITE_PROCESS_STILL_RUNNING: "operational",
  /** a site's files kept changing while they were being deleted (retried) */
  SITE_FILES_BUSY: "operational",
  INTERNAL: "unexpected",
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof errorCodes;

/** A failure with a stable code, a message that says what to do, and optional field-level details. */
export class DirectorError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DirectorError";
    this.code = code;
    this.kind = errorCodes[code];
    this.details = options.details;
  }
}

export function isDirectorError(error: unknown): error is DirectorError {
  return error instanceof DirectorError;
}

/** True when `value` names a known error code (used when parsing errors that crossed a process boundary). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(errorCodes, value);
}
