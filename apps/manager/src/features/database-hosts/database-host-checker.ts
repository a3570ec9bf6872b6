import type { DatabaseHost } from "@director/contracts/orchestrator-databases";
import type { SiteDatabaseKind } from "@director/domain/site-database";

/**
 * Checks a database host before it is registered: connects as its admin and sees that the account has the rights site
 * databases need (the orchestrator's `checkDatabaseHost`). Refuses with DATABASE_HOST_REJECTED (a right is missing)
 * or DATABASE_HOST_UNAVAILABLE (no connection).
 */
export interface DatabaseHostChecker {
  check(host: DatabaseHost): Promise<{ kind: SiteDatabaseKind; serverVersion: string }>;
}

/** Seals secrets kept at rest and opens them again (the manager's SecretBox). */
export interface SecretSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}
