import type { AuditRepository } from "@director/db/audit.repository";
import type { SessionsRepository } from "@director/db/sessions.repository";
import type { UsersRepository } from "@director/db/users.repository";
import { DirectorError } from "@director/domain/errors";
import type { SessionKind, User } from "@director/domain/user";
import { hasAcceptedGuidelines, type UserRole } from "@director/domain/user-role";
import { assertPasswordStrong, parseUsername } from "@director/domain/username";
import type { CurrentGuidelines } from "../guidelines/current-guidelines.js";
import type { PasswordHasher } from "./password-hasher.js";
import { hashSessionToken, newSessionToken } from "./session-token.js";

export interface AuthServiceDeps {
  users: Pick<
    UsersRepository,
    "create" | "findByUsername" | "recordLogin" | "acceptGuidelines" | "recordGuidelinesVersionOfUnversioned"
  >;
  sessions: Pick<SessionsRepository, "create" | "findActiveUser" | "delete">;
  audit: Pick<AuditRepository, "record">;
  hasher: PasswordHasher;
  sessionTtlMs: number;
  /** the guidelines this installation serves (DIRECTOR_GUIDELINES_FILE or the built-in text) */
  guidelines: CurrentGuidelines;
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
  /**
   * Default true: an account an operator creates with a password (`director admin create-user`: the first
   * administrator, a service account) starts with the current version of the guidelines accepted, since its
   * operator set Director up; a later change of the text asks it again, like everyone.
   */
  hasAcceptedGuidelines?: boolean;
}

/** How a session was opened: on the web (a password, the identity provider) or through the shell server. */
export type LoginMethod = "password" | "oidc" | "oauth2" | "ssh-password" | "ssh-key";

/** An open session: the raw token goes to the client once (cookie and JSON), only its hash is stored. */
export interface OpenedSession {
  user: User;
  token: string;
  expiresAt: Date;
}

/** Accounts with Director passwords, and sessions. */
export class AuthService {
  readonly #deps: AuthServiceDeps;
  #dummyHash: Promise<string> | undefined;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
  }

  /** The guidelines people must have accepted, in this version, before anything else (see mustAcceptGuidelines). */
  get guidelines(): CurrentGuidelines {
    return this.#deps.guidelines;
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
      guidelinesAccepted:
        (input.hasAcceptedGuidelines ?? true) ? { at: this.#now(), version: this.#deps.guidelines.version } : null,
    });
    await this.#deps.audit.record({
      actorUserId: actor?.id ?? null,
      action: "user.create",
      target: `user:${user.username}`,
      details: { isSuperuser: user.isSuperuser, role: user.role },
    });
    return user;
  }

  /**
   * Checks a username and password and opens a session. Every failure gives the same answer, except a disabled
   * account with the right password (ACCOUNT_DISABLED): only its owner learns that.
   */
  async login(
    username: string,
    password: string,
    method: "password" | "ssh-password" = "password",
  ): Promise<OpenedSession> {
    const user = await this.#deps.users.findByUsername(username.trim().toLowerCase());
    // Verify against a throwaway hash when the user is unknown, so timing does not reveal which usernames exist.
    const storedHash = user?.passwordHash ?? (await this.#throwawayHash());
    const isMatch = await this.#deps.hasher.verify(storedHash, password);
    if (!user?.passwordHash || !isMatch) {
      await this.#deps.audit.record({
        actorUserId: null,
        action: "auth.login_failed",
        target: `user:${username.slice(0, 64)}`,
        details: method === "password" ? {} : { method },
      });
      throw new DirectorError("AUTH_INVALID_CREDENTIALS", "The username or password is not right.");
    }
    return this.openSession(user, method);
  }

  /**
   * Opens a session for a user who proved who they are (a password, the identity provider) and notes the login.
   * A disabled account is refused (ACCOUNT_DISABLED).
   */
  async openSession(user: User, method: LoginMethod): Promise<OpenedSession> {
    if (!user.isActive) {
      await this.#deps.audit.record({
        actorUserId: user.id,
        action: "auth.login_refused",
        target: `user:${user.username}`,
        details: { method, reason: "disabled" },
      });
      throw new DirectorError("ACCOUNT_DISABLED", "This account is disabled; ask an administrator.");
    }
    const now = this.#now();
    const { token, tokenHash } = newSessionToken();
    const expiresAt = new Date(now.getTime() + this.#deps.sessionTtlMs);
    // A login through the shell server opens only the shell server's channels (migration 0014).
    const kind = method === "ssh-password" || method === "ssh-key" ? "shell" : "web";
    await this.#deps.sessions.create({ tokenHash, userId: user.id, expiresAt, kind });
    await this.#deps.users.recordLogin(user.id, now);
    await this.#deps.audit.record({
      actorUserId: user.id,
      action: "auth.login",
      target: `user:${user.username}`,
      details: { method },
    });
    return { user: { ...user, lastLoginAt: now }, token, expiresAt };
  }

  /**
   * Notes that `user` accepted the current version of the guidelines. Accepting a version already accepted changes
   * nothing (the first date stays); after the text changed, accepting again records the new date and version.
   */
  async acceptGuidelines(user: User): Promise<User> {
    const version = this.#deps.guidelines.version;
    if (hasAcceptedGuidelines(user, version)) return user;
    const updated = await this.#deps.users.acceptGuidelines(user.id, this.#now(), version);
    if (!updated) throw new DirectorError("USER_NOT_FOUND", "This account no longer exists.");
    await this.#deps.audit.record({
      actorUserId: user.id,
      action: "user.accept_guidelines",
      target: `user:${user.username}`,
      details: { version, previousVersion: user.guidelinesVersion },
    });
    return updated;
  }

  /**
   * Counts the acceptances made before versions were recorded (migration 0009) as acceptances of the current text,
   * so that upgrading Director does not ask everyone again; the next change of the text does. Run by the process
   * that serves the API when it starts (it is the one sure to read the institution's text); 0 once done.
   */
  async recordGuidelinesVersionOfEarlierAcceptances(): Promise<number> {
    return this.#deps.users.recordGuidelinesVersionOfUnversioned(this.#deps.guidelines.version);
  }

  /**
   * The user a session token belongs to, or null when it is unknown, expired, of another kind (a shell login's token
   * on the web) or its user is disabled.
   */
  async userForToken(token: string, kind: SessionKind = "web"): Promise<User | null> {
    const found = await this.#deps.sessions.findActiveUser(hashSessionToken(token), this.#now(), kind);
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
