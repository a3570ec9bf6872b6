/**
 * What the PostgreSQL and MariaDB SQL consoles (postgres-site-statement.ts, mariadb-site-statement.ts) share: the
 * admin's help (is the site's database there, end a session the host did not stop), the client-side time guard, and
 * the errors a login refusal and a time-out become.
 */
import { DirectorError } from "@director/domain/errors";
import type { SiteDatabaseIdentity } from "@director/domain/site-database";

/** What a statement run needs of the host's admin account. */
export interface SiteStatementAdmin {
  /** Whether the site's database and its user are both on the host (asked only when the user's login is refused). */
  hasSiteDatabase(database: SiteDatabaseIdentity): Promise<boolean>;
  /** Ends the site user's session `sessionId` on the host (a no-op when it ended already). */
  endSession(database: SiteDatabaseIdentity, sessionId: number): Promise<void>;
}

/** How long a site user's login may take before the host counts as unavailable. */
export const siteLoginTimeoutMs = 5_000;
/** How long after its time limit a statement the host has not stopped is stopped here. */
export const statementGuardGraceMs = 500;

/** The client-side guard of one statement: `stop` is called once, `statementGuardGraceMs` after the time limit. */
export class StatementGuard {
  #hasFired = false;
  readonly #timer: NodeJS.Timeout;

  constructor(timeoutMs: number, stop: () => void) {
    this.#timer = setTimeout(() => {
      this.#hasFired = true;
      stop();
    }, timeoutMs + statementGuardGraceMs);
  }

  /** True once the guard stopped the statement: the failure the statement then meets is its time-out. */
  get hasFired(): boolean {
    return this.#hasFired;
  }

  disarm(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * A refused login as the site's user: SITE_DATABASE_NOT_FOUND when the admin finds the database or the user missing
 * (the host's refusal does not say which, on purpose), otherwise SITE_DATABASE_LOGIN_REFUSED.
 */
export async function loginRefusal(
  engine: string,
  admin: SiteStatementAdmin,
  database: SiteDatabaseIdentity,
  error: unknown,
): Promise<DirectorError> {
  const details = { engine, siteId: database.siteId };
  if (!(await admin.hasSiteDatabase(database))) {
    return new DirectorError("SITE_DATABASE_NOT_FOUND", `The site's database ${database.name} is not on its host.`, {
      cause: error,
      details,
    });
  }
  return new DirectorError(
    "SITE_DATABASE_LOGIN_REFUSED",
    `The database user ${database.name} refused its password: rotate the password to set it again.`,
    { cause: error, details },
  );
}

export function statementTimedOut(engine: string, timeoutMs: number, cause: unknown): DirectorError {
  return new DirectorError("SQL_STATEMENT_TIMEOUT", `The statement ran longer than ${timeoutMs} ms and was stopped.`, {
    cause,
    details: { engine, timeoutMs },
  });
}

export function hostUnreachable(engine: string, database: SiteDatabaseIdentity, cause: unknown): DirectorError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new DirectorError("DATABASE_HOST_UNAVAILABLE", `The database host could not be reached: ${message}`, {
    cause,
    details: { engine, siteId: database.siteId },
  });
}
