/**
 * Domain errors: every failure a user or operator can see has a stable code.
 * Services throw these only; each app's HTTP edge maps a code to a status in one table.
 */

/**
 * Who must act: the caller (bad input, missing rights: `user`), nobody but time (a component restarting, a process
 * still stopping: `passing`, which an operation's worker retries with backoff), an operator (a broken configuration,
 * a refusal of Docker or nginx: `operator`, not retried: it would fail the same way), or us (a bug: `unexpected`).
 */
export type ErrorKind = "user" | "passing" | "operator" | "unexpected";

/** What each code means for whoever meets it: who must act, and the HTTP status it is answered with. */
export interface ErrorSpec {
  kind: ErrorKind;
  status: number;
}

export const errorCodes = {
  // input (each code: who must act, and its HTTP status; one table, so the compiler checks every code has both)
  VALIDATION_FAILED: { kind: "user", status: 400 },
  SITE_NAME_INVALID: { kind: "user", status: 400 },
  SITE_NAME_RESERVED: { kind: "user", status: 409 },
  SITE_NAME_TAKEN: { kind: "user", status: 409 },
  /** a custom domain that is not a public hostname (IP literal, wildcard, `localhost`, bad label): details say why */
  DOMAIN_INVALID: { kind: "user", status: 400 },
  /** a domain only administrators may give a site (the sites domain, Director's own host, a reserved suffix) */
  DOMAIN_RESERVED: { kind: "user", status: 403 },
  /** a domain or suffix an administrator has blocked */
  DOMAIN_BLOCKED: { kind: "user", status: 403 },
  /** the domain belongs to a site already (this one or another) */
  DOMAIN_TAKEN: { kind: "user", status: 409 },
  /** the site has as many domains as one site may have */
  DOMAIN_LIMIT_REACHED: { kind: "user", status: 409 },
  SITE_TYPE_UNSUPPORTED: { kind: "user", status: 422 },
  SITE_RENAME_UNSUPPORTED: { kind: "user", status: 422 },
  USERNAME_INVALID: { kind: "user", status: 400 },
  USERNAME_TAKEN: { kind: "user", status: 409 },
  PASSWORD_TOO_WEAK: { kind: "user", status: 400 },
  USER_ROLE_INVALID: { kind: "user", status: 400 },
  /** a change that needs `confirm: true` (mass email): details say what it would do, e.g. the recipient count */
  CONFIRMATION_REQUIRED: { kind: "user", status: 400 },
  PATH_INVALID: { kind: "user", status: 400 },
  PATH_ESCAPES_SITE: { kind: "user", status: 400 },
  PATH_NOT_FOUND: { kind: "user", status: 404 },
  PATH_IS_DIRECTORY: { kind: "user", status: 409 },
  PATH_EXISTS: { kind: "user", status: 409 },
  /** a save that named the version it replaces (`ifModifiedAt`) found another one on disk */
  FILE_CHANGED: { kind: "user", status: 409 },
  ZIP_TOO_LARGE: { kind: "user", status: 413 },
  PATH_NOT_A_DIRECTORY: { kind: "user", status: 409 },
  PATH_IS_LINK: { kind: "user", status: 403 },
  UPLOAD_TOO_LARGE: { kind: "user", status: 413 },
  FILE_TOO_LARGE: { kind: "user", status: 413 },
  /** a write that would take the site past its disk quota: details carry usedBytes, quotaBytes and neededBytes */
  SITE_QUOTA_EXCEEDED: { kind: "user", status: 413 },
  IMAGE_REF_INVALID: { kind: "user", status: 400 },
  SITE_ENV_INVALID: { kind: "user", status: 400 },
  SITE_LIMITS_INVALID: { kind: "user", status: 400 },
  PACKAGE_NAME_INVALID: { kind: "user", status: 400 },
  /** a site image could not be built (a typo in a package name, a failing setup command): the build log is in details */
  IMAGE_BUILD_FAILED: { kind: "user", status: 422 },
  /** a destructive request whose typed confirmation (the site's name) does not match */
  CONFIRMATION_MISMATCH: { kind: "user", status: 400 },
  /** a site's environment variable with a bad or reserved name, a NUL in its value, too many or too large: details.fields */
  SITE_VARIABLE_INVALID: { kind: "user", status: 400 },
  /** a site request names a sponsor who is not a teacher */
  SPONSOR_NOT_A_TEACHER: { kind: "user", status: 422 },
  /** not one OpenSSH public key line of an accepted type (ed25519, ecdsa, RSA of 2048 bits or more) */
  SSH_KEY_INVALID: { kind: "user", status: 400 },
  /** the key is on this account already, or on another one (a key identifies one person) */
  SSH_KEY_EXISTS: { kind: "user", status: 409 },
  /** the account has as many SSH keys as one account may have */
  SSH_KEY_LIMIT: { kind: "user", status: 409 },
  // access
  AUTH_REQUIRED: { kind: "user", status: 401 },
  AUTH_INVALID_CREDENTIALS: { kind: "user", status: 401 },
  CSRF_HEADER_MISSING: { kind: "user", status: 403 },
  /** too many login attempts from one address or for one username; try again later */
  LOGIN_RATE_LIMITED: { kind: "user", status: 429 },
  /**
   * one account did something that reaches other people too often (site requests, invitations): details say which
   * limit (`limit`) and when to try again (`retryAfterSeconds`, also the Retry-After header)
   */
  ACCOUNT_RATE_LIMITED: { kind: "user", status: 429 },
  /** the account exists but an administrator disabled it */
  ACCOUNT_DISABLED: { kind: "user", status: 403 },
  /** the user must accept the guidelines (POST /api/guidelines/accept) before anything else */
  GUIDELINES_NOT_ACCEPTED: { kind: "user", status: 403 },
  /** login with the institution's identity provider is not set up (DIRECTOR_OIDC_ISSUER unset) */
  OIDC_NOT_CONFIGURED: { kind: "user", status: 404 },
  /** the login's state cookie is missing, expired, forged or does not match the provider's answer: start again */
  OIDC_STATE_INVALID: { kind: "user", status: 400 },
  /** the provider refused the login, or its answer (tokens, claims) is unusable */
  OIDC_LOGIN_FAILED: { kind: "user", status: 401 },
  /** the provider's username belongs to an account that already logs in another way */
  OIDC_ACCOUNT_CONFLICT: { kind: "user", status: 409 },
  FORBIDDEN: { kind: "user", status: 403 },
  /** a browser's cookie-authenticated live connection (/ws) from a page of another site */
  ORIGIN_NOT_ALLOWED: { kind: "user", status: 403 },
  /** one account holds too many live connections (/ws) at once: close some tabs */
  LIVE_CONNECTION_LIMIT: { kind: "user", status: 429 },
  /** one account follows too many site logs at once, or the manager as many as it allows in all */
  LOG_STREAM_LIMIT: { kind: "user", status: 429 },
  /** one account has too many web terminals open, or the manager as many as it allows; also file-event streams */
  TERMINAL_LIMIT: { kind: "user", status: 429 },
  /** a plain HTTP request to a route that is a WebSocket (a terminal) */
  WEBSOCKET_REQUIRED: { kind: "user", status: 426 },
  /** one account follows too many workspaces' files at once, or the manager as many as it allows in all */
  FILE_EVENTS_LIMIT: { kind: "user", status: 429 },
  /** a terminal closed because its person was removed from the site or the site was disabled (close code 4403) */
  SITE_ACCESS_LOST: { kind: "user", status: 403 },
  /** a terminal closed after its idle limit or its longest duration (close code 4408) */
  TERMINAL_TIMED_OUT: { kind: "user", status: 408 },
  /** a terminal's shell could not start or broke (close code 4500) */
  TERMINAL_FAILED: { kind: "operator", status: 502 },
  INTERNAL_AUTH_INVALID: { kind: "user", status: 401 },
  // state
  NOT_FOUND: { kind: "user", status: 404 },
  USER_NOT_FOUND: { kind: "user", status: 404 },
  /** an administrator tried to remove their own administrator rights or disable their own account */
  SELF_LOCKOUT: { kind: "user", status: 409 },
  SITE_NOT_FOUND: { kind: "user", status: 404 },
  DOMAIN_NOT_FOUND: { kind: "user", status: 404 },
  OPERATION_NOT_FOUND: { kind: "user", status: 404 },
  OPERATION_NOT_RETRYABLE: { kind: "user", status: 409 },
  SITE_BUSY: { kind: "user", status: 409 },
  SITE_NOT_READY: { kind: "user", status: 409 },
  SITE_PROCESS_FAILED: { kind: "user", status: 422 },
  IMAGE_NOT_FOUND: { kind: "user", status: 404 },
  IMAGE_NAME_TAKEN: { kind: "user", status: 409 },
  IMAGE_IN_USE: { kind: "user", status: 409 },
  DATABASE_HOST_NOT_FOUND: { kind: "user", status: 404 },
  DATABASE_HOST_NAME_TAKEN: { kind: "user", status: 409 },
  /** sites have databases on the host, so it cannot be deleted (stop it accepting new ones first) */
  DATABASE_HOST_IN_USE: { kind: "user", status: 409 },
  /** no registered host of the kind asked for accepts new databases (none, all full, or none accepting) */
  NO_DATABASE_HOST: { kind: "user", status: 409 },
  /** the site has its database already (a site has one) */
  SITE_DATABASE_EXISTS: { kind: "user", status: 409 },
  /** the site's database is being made or removed: its details and changes wait for that to finish */
  SITE_DATABASE_NOT_READY: { kind: "user", status: 409 },
  /** only an administrator may leave a site without members */
  SITE_NEEDS_A_MEMBER: { kind: "user", status: 409 },
  SITE_REQUEST_NOT_FOUND: { kind: "user", status: 404 },
  /** no course of that name, or one the caller neither owns nor administers */
  COURSE_NOT_FOUND: { kind: "user", status: 404 },
  COURSE_NAME_TAKEN: { kind: "user", status: 409 },
  /** a course's template site holds more files or bytes than a copy may take */
  TEMPLATE_TOO_LARGE: { kind: "user", status: 413 },
  /** a roster past the size one upload may hold (rows or characters): split it */
  ROSTER_TOO_LARGE: { kind: "user", status: 413 },
  /** no SSH key with this id on the caller's account */
  SSH_KEY_NOT_FOUND: { kind: "user", status: 404 },
  /** the site has no database of that kind on its database host (never made, or deleted) */
  SITE_DATABASE_NOT_FOUND: { kind: "user", status: 404 },
  /**
   * the site's database user refused the password Director holds for it (changed on the host behind Director's
   * back): rotating the password sets it again
   */
  SITE_DATABASE_LOGIN_REFUSED: { kind: "user", status: 409 },
  /**
   * a SQL console statement failed (syntax, a missing table, a right the site's user lacks, more than one statement):
   * the message is the engine's own, details carry its SQLSTATE (`sqlState`), MariaDB's `errno`, PostgreSQL's `position`
   */
  SQL_STATEMENT_FAILED: { kind: "user", status: 422 },
  /** a SQL console statement ran past its time limit and was stopped (details: `timeoutMs`) */
  SQL_STATEMENT_TIMEOUT: { kind: "user", status: 422 },
  /**
   * a dump could not be imported into the site's database: the engine's or the restore tool's own words (a right the
   * site's user lacks, a statement that failed, a file that is not a dump of the expected format)
   */
  DATABASE_IMPORT_FAILED: { kind: "user", status: 422 },
  /** an uploaded dump is larger than the import limit (details: `maxBytes`); nothing of it was run */
  DATABASE_IMPORT_TOO_LARGE: { kind: "user", status: 413 },
  /** a dump of the site's database failed on the host (the dump tool's own words) */
  DATABASE_EXPORT_FAILED: { kind: "operator", status: 502 },
  /**
   * the orchestrator has no dump or restore tool that fits the host (pg_dump older than the server, a MariaDB client
   * without --sandbox): the message names what to install
   */
  DATABASE_TOOL_MISSING: { kind: "operator", status: 501 },
  /** the site request is not in the state this decision needs (already decided, or waiting for someone else) */
  REQUEST_STATE_INVALID: { kind: "user", status: 409 },
  // infrastructure
  NGINX_CONFIG_REJECTED: { kind: "operator", status: 502 },
  NGINX_RELOAD_FAILED: { kind: "passing", status: 502 },
  COMPONENT_UNREACHABLE: { kind: "passing", status: 503 },
  MAIL_FAILED: { kind: "operator", status: 502 },
  /** the identity provider's discovery document or endpoints did not answer as expected */
  OIDC_PROVIDER_UNAVAILABLE: { kind: "operator", status: 502 },
  COMPONENT_REJECTED: { kind: "operator", status: 502 },
  DATABASE_UNAVAILABLE: { kind: "passing", status: 503 },
  /** a database host for site databases could not be reached, or dropped the connection (retried) */
  DATABASE_HOST_UNAVAILABLE: { kind: "passing", status: 503 },
  /** a database host refused an administrative statement (the admin account lacks a right): details say which */
  DATABASE_HOST_REJECTED: { kind: "operator", status: 502 },
  CONFIG_INVALID: { kind: "operator", status: 500 },
  /** the manager has no DIRECTOR_SECRETS_KEY, so it cannot keep database hosts' admin credentials: set it */
  SECRETS_KEY_MISSING: { kind: "operator", status: 503 },
  /** a stored secret could not be decrypted (changed, or DIRECTOR_SECRETS_KEY is not the key it was sealed with) */
  SECRET_UNREADABLE: { kind: "operator", status: 500 },
  DOCKER_UNAVAILABLE: { kind: "passing", status: 503 },
  DOCKER_REJECTED: { kind: "operator", status: 502 },
  /** the image registry (DIRECTOR_REGISTRY) could not be reached or did not take a push (retried) */
  REGISTRY_UNAVAILABLE: { kind: "passing", status: 503 },
  /** the Docker daemon would run site processes without no-new-privileges: dynamic sites are refused until it does */
  DOCKER_UNSAFE: { kind: "operator", status: 503 },
  /** a removed site's process has not ended yet; its files are deleted once it has (retried) */
  SITE_PROCESS_STILL_RUNNING: { kind: "passing", status: 503 },
  /** this orchestrator keeps sites in plain directories, which no quota holds (DIRECTOR_SITE_VOLUMES=directory) */
  SITE_VOLUMES_DISABLED: { kind: "operator", status: 501 },
  /** a site's files kept changing while they were being deleted (retried) */
  SITE_FILES_BUSY: { kind: "passing", status: 503 },
  /**
   * the certificate authority could not validate the domain (its HTTP-01 request did not get the challenge: the
   * domain's DNS does not point here, or a firewall blocks port 80): details carry the CA's own words
   */
  ACME_CHALLENGE_FAILED: { kind: "user", status: 422 },
  /** the certificate authority limits how often it issues for this domain or account: details say when to try again */
  ACME_RATE_LIMITED: { kind: "passing", status: 503 },
  /** the certificate authority could not be reached or answered with a server error (retried) */
  ACME_UNAVAILABLE: { kind: "passing", status: 503 },
  /** the certificate authority refused the request for another reason (its detail says why) */
  ACME_REJECTED: { kind: "operator", status: 502 },
  /** this installation cannot serve sites' own domains (the split topology's edge does not route them yet) */
  DOMAINS_UNSUPPORTED: { kind: "operator", status: 501 },
  /** an orchestrator without an nginx balancer of its own keeps no redirects of renamed sites */
  REDIRECTS_UNSUPPORTED: { kind: "operator", status: 501 },
  RATE_LIMITS_UNAVAILABLE: { kind: "operator", status: 503 },
  /** RabbitMQ out of reach or not confirming: operations wait in the outbox and are sent once it answers */
  BROKER_UNAVAILABLE: { kind: "passing", status: 503 },
  INTERNAL: { kind: "unexpected", status: 500 },
} as const satisfies Record<string, ErrorSpec>;

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
    this.kind = errorCodes[code].kind;
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
