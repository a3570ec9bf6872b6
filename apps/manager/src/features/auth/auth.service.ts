import type { AuditRepository } from "@director/db/audit.repository";
import type { User } from "@director/db/models";
import type { UserRole } from "@director/db/schema";
import type { SessionsRepository } from "@director/db/sessions.repository";
import type { UsersRepository } from "@director/db/users.repository";
import { DirectorError } from "@director/domain/errors";
import { assertPasswordStrong, parseUsername } from "@director/domain/username";
import type { PasswordHasher } from "./password-hasher.js";
import { hashSessionToken, newSessionToken } from "./session-token.js";

export interface AuthServiceDeps {
  users: Pick<UsersRepository, "create" | "findByUsername">;
  sessions: Pick<SessionsRepository, "create" | "findActiveUser" | "delete">;
  audit: Pick<AuditRepository, "record">;
  hasher: PasswordHasher;
  sessionTtlMs: number;
  now?: () => Date;
}

export interface NewUser {
  username: string;
  displayName?: string;
  email?: string;
  password: string;
  isSuperuser: boolean;
  /** default student */
  role?: UserRole;
}

/** Accounts with Director passwords, and sessions. */
export class AuthService {
  readonly #deps: AuthServiceDeps;
  #dummyHash: Promise<string> | undefined;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
  }

  /** Creates an account (the CLI's `admin create-user`); the password is checked and hashed here. */
  async createUser(input: NewUser, actor: User | null = null): Promise<User> {
    const username = parseUsername(input.username);
    assertPasswordStrong(input.password);
    const user = await this.#deps.users.create({
      username,
      displayName: input.displayName?.trim() || username,
      email: input.email?.trim() ?? "",
      passwordHash: await this.#deps.hasher.hash(input.password),
      isSuperuser: input.isSuperuser,
      ...(input.role === undefined ? {} : { role: input.role }),
    });
    await this.#deps.audit.record({
      actorUserId: actor?.id ?? null,
      action: "user.create",
      target: `user:${user.username}`,
      details: { isSuperuser: user.isSuperuser, role: user.role },
    });
    return user;
  }

  /** Checks a username and password and opens a session. Every failure gives the same answer. */
  async login(username: string, password: string): Promise<{ user: User; token: string; expiresAt: Date }> {
    const user = await this.#deps.users.findByUsername(username.trim().toLowerCase());
    // Verify against a throwaway hash when the user is unknown, so timing does not reveal which usernames exist.
    const storedHash = user?.passwordHash ?? (await this.#throwawayHash());
    const isMatch = await this.#deps.hasher.verify(storedHash, password);
    if (!user?.isActive || !user.passwordHash || !isMatch) {
      await this.#deps.audit.record({
        actorUserId: null,
        action: "auth.login_failed",
        target: `user:${username.slice(0, 64)}`,
        details: {},
      });
      throw new DirectorError("AUTH_INVALID_CREDENTIALS", "The username or password is not right.");
    }
    const { token, tokenHash } = newSessionToken();
    const expiresAt = new Date(this.#now().getTime() + this.#deps.sessionTtlMs);
    await this.#deps.sessions.create({ tokenHash, userId: user.id, expiresAt });
    await this.#deps.audit.record({
      actorUserId: user.id,
      action: "auth.login",
      target: `user:${user.username}`,
      details: {},
    });
    return { user, token, expiresAt };
  }

  /** The user a session token belongs to, or null when it is unknown, expired or its user is disabled. */
  async userForToken(token: string): Promise<User | null> {
    const found = await this.#deps.sessions.findActiveUser(hashSessionToken(token), this.#now());
    return found?.user ?? null;
  }

  async logout(token: string): Promise<void> {
    await this.#deps.sessions.delete(hashSessionToken(token));
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  #throwawayHash(): Promise<string> {
    this.#dummyHash ??= this.#deps.hasher.hash("not-a-real-password-0000");
    return this.#dummyHash;
  }
}
