import type { AuditRepository } from "@director/db/audit.repository";
import type { UserChange, UsersRepository } from "@director/db/users.repository";
import { DirectorError } from "@director/domain/errors";
import type { User } from "@director/domain/user";
import type { ProfileMapping } from "../../config-login.js";
import type { AuthService, OpenedSession } from "./auth.service.js";
import type { IdentityProvider, PendingLogin } from "./identity-provider.js";
import { mapOidcClaims, type OidcIdentity } from "./oidc-claims.js";

export interface OidcLoginServiceDeps {
  provider: IdentityProvider;
  /** which fields of the provider's answer make the account */
  claims: ProfileMapping;
  /** how the login is recorded in sessions and the audit log */
  method: "oidc" | "oauth2";
  users: Pick<UsersRepository, "findByOidcSubject" | "findByUsername" | "create" | "update">;
  auth: Pick<AuthService, "openSession">;
  audit: Pick<AuditRepository, "record">;
}

/**
 * Login with the institution's identity provider (OpenID Connect or plain OAuth2). The provider's subject identifies the person from then on. On a
 * first login the account is, in order: the one already linked to the subject; an account with the provider's
 * username that never logged in (an administrator invited them by username) and is claimed now; or a new one.
 * An account with that username that already logs in another way is not taken over (OIDC_ACCOUNT_CONFLICT).
 * Names, email, role and graduation year follow the provider at every login; administrator rights never do.
 */
export class OidcLoginService {
  readonly #deps: OidcLoginServiceDeps;

  constructor(deps: OidcLoginServiceDeps) {
    this.#deps = deps;
  }

  begin(): Promise<{ authorizationUrl: URL; pending: PendingLogin }> {
    return this.#deps.provider.beginLogin();
  }

  /** Completes the login the browser came back with and opens a session (ACCOUNT_DISABLED for a disabled account). */
  async complete(callbackUrl: URL, pending: PendingLogin): Promise<OpenedSession> {
    const identity = mapOidcClaims(await this.#deps.provider.completeLogin(callbackUrl, pending), this.#deps.claims);
    return this.#deps.auth.openSession(await this.#accountFor(identity), this.#deps.method);
  }

  async #accountFor(identity: OidcIdentity): Promise<User> {
    const { users, audit, method } = this.#deps;
    const linked = await users.findByOidcSubject(identity.subject);
    if (linked) return (await users.update(linked.id, profileChange(identity, linked))) ?? linked;

    const named = await users.findByUsername(identity.username);
    if (named) {
      if (named.oidcSubject !== null || named.lastLoginAt !== null) {
        throw new DirectorError(
          "OIDC_ACCOUNT_CONFLICT",
          `The account "${identity.username}" already exists and logs in another way; an administrator must sort this out.`,
        );
      }
      const claimed = await users.update(named.id, {
        ...profileChange(identity, named),
        oidcSubject: identity.subject,
      });
      await audit.record({
        actorUserId: named.id,
        action: "user.claim_invite",
        target: `user:${named.username}`,
        details: { method },
      });
      return claimed ?? named;
    }

    const created = await users.create({
      username: identity.username,
      displayName: identity.displayName,
      email: identity.email,
      passwordHash: null,
      isSuperuser: false,
      role: identity.role ?? "student",
      graduationYear: identity.graduationYear,
      oidcSubject: identity.subject,
    });
    await audit.record({
      actorUserId: created.id,
      action: "user.create",
      target: `user:${created.username}`,
      details: { method, role: created.role },
    });
    return created;
  }
}

/** What the provider's claims change on an existing account; a service account keeps its role. */
function profileChange(identity: OidcIdentity, user: User): UserChange {
  return {
    displayName: identity.displayName,
    ...(identity.email === "" ? {} : { email: identity.email }),
    ...(identity.role === null || user.role === "service" ? {} : { role: identity.role }),
    ...(identity.graduationYear === null ? {} : { graduationYear: identity.graduationYear }),
  };
}
