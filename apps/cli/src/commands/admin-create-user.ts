import { AuditRepository } from "@director/db/audit.repository";
import type { DB } from "@director/db/schema";
import { SessionsRepository } from "@director/db/sessions.repository";
import { UsersRepository } from "@director/db/users.repository";
import type { UserRole } from "@director/domain/user-role";
import type { CurrentGuidelines } from "@director/manager";
import { Argon2PasswordHasher, AuthService } from "@director/manager";
import type { Kysely } from "kysely";
import type { CommandConfig } from "../config.js";

export interface CreateUserArgs {
  username: string;
  displayName?: string;
  email?: string;
  password: string;
  isSuperuser: boolean;
  /** student (the default), teacher or service */
  role?: UserRole;
}

/**
 * `director admin create-user`: creates an account with a Director password (the first administrator, a service
 * account). Its operator set Director up, so the account starts with `guidelines` accepted: the ones the installation
 * serves (loadGuidelines of guidelinesFilePathOf), so that the account is asked again only when their text changes.
 */
export async function createUser(db: Kysely<DB>, args: CreateUserArgs, guidelines: CurrentGuidelines) {
  const auth = new AuthService({
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    audit: new AuditRepository(db),
    hasher: new Argon2PasswordHasher(),
    sessionTtlMs: 1,
    guidelines,
  });
  return auth.createUser(args);
}

/**
 * DIRECTOR_GUIDELINES_FILE as the manager reads it (its config schema checks it): run the command with the
 * installation's environment, or the account records the built-in text's version and is asked to accept the
 * institution's text at its first login.
 */
export function guidelinesFilePathOf(config: CommandConfig): string | undefined {
  return config.guidelines.filePath;
}
