import { AuditRepository } from "@director/db/audit.repository";
import type { DB } from "@director/db/schema";
import { SessionsRepository } from "@director/db/sessions.repository";
import { UsersRepository } from "@director/db/users.repository";
import type { UserRole } from "@director/domain/user-role";
import { AuthService } from "@director/manager/features/auth/auth.service";
import { Argon2PasswordHasher } from "@director/manager/features/auth/password-hasher";
import type { Kysely } from "kysely";

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
 * account). Its operator set Director up, so the account starts with the guidelines accepted.
 */
export async function createUser(db: Kysely<DB>, args: CreateUserArgs) {
  const auth = new AuthService({
    users: new UsersRepository(db),
    sessions: new SessionsRepository(db),
    audit: new AuditRepository(db),
    hasher: new Argon2PasswordHasher(),
    sessionTtlMs: 1,
  });
  return auth.createUser(args);
}
