import type { InviteUserRequest, UpdateUserRequest } from "@director/contracts/manager-api";
import type { AuditRepository } from "@director/db/audit.repository";
import type { SessionsRepository } from "@director/db/sessions.repository";
import type { UserPage, UsersRepository } from "@director/db/users.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { User } from "@director/domain/user";
import { parseUsername } from "@director/domain/username";
import { type AdministrationAction, canAdminister, selfLockoutIn } from "./users.policy.js";

export interface UsersServiceDeps {
  users: Pick<UsersRepository, "search" | "create" | "findByUsername" | "update">;
  sessions: Pick<SessionsRepository, "deleteForUser">;
  audit: Pick<AuditRepository, "record">;
}

/** Accounts as administrators manage them: search, invite by username, change role, rights and status. */
export class UsersService {
  readonly #deps: UsersServiceDeps;

  constructor(deps: UsersServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor, query: { q: string; limit: number; offset: number }): Promise<UserPage> {
    assertAllowed(actor, "list_users");
    return this.#deps.users.search({ query: query.q, limit: query.limit, offset: query.offset });
  }

  /**
   * Creates an account for a person before their first login, without a password: they log in with the identity
   * provider, which claims the account by its username (see OidcLoginService).
   */
  async invite(actor: Actor, request: InviteUserRequest): Promise<User> {
    assertAllowed(actor, "invite_user");
    const username = parseUsername(request.username);
    const user = await this.#deps.users.create({
      username,
      displayName: request.displayName ?? username,
      email: request.email ?? "",
      passwordHash: null,
      isSuperuser: request.isSuperuser,
      role: request.role,
      graduationYear: request.graduationYear,
    });
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "user.invite",
      target: `user:${user.username}`,
      details: { role: user.role, isSuperuser: user.isSuperuser },
    });
    return user;
  }

  /** Changes an account; disabling it also ends its sessions at once. */
  async update(actor: Actor, username: string, change: UpdateUserRequest): Promise<User> {
    assertAllowed(actor, "update_user");
    const target = await this.#deps.users.findByUsername(username);
    if (!target) throw new DirectorError("USER_NOT_FOUND", `No account is called "${username.slice(0, 64)}".`);
    const lockout = selfLockoutIn(actor, target, change);
    if (lockout) {
      throw new DirectorError(
        "SELF_LOCKOUT",
        lockout === "removes_own_admin"
          ? "You cannot remove your own administrator rights; another administrator can."
          : "You cannot disable your own account; another administrator can.",
        { details: { field: lockout === "removes_own_admin" ? "isSuperuser" : "isActive" } },
      );
    }
    const updated = await this.#deps.users.update(target.id, change);
    if (!updated) throw new DirectorError("USER_NOT_FOUND", `No account is called "${username.slice(0, 64)}".`);
    if (change.isActive === false) await this.#deps.sessions.deleteForUser(target.id);
    await this.#deps.audit.record({
      actorUserId: actor.id,
      action: "user.update",
      target: `user:${target.username}`,
      details: { ...change },
    });
    return updated;
  }
}

function assertAllowed(actor: Actor, action: AdministrationAction): void {
  if (!canAdminister(actor, action)) throw new DirectorError("FORBIDDEN", "Only administrators manage accounts.");
}
