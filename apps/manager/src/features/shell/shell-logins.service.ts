/**
 * Logins through the shell server (apps/shell). The shell server proves who a person is (their password, or a
 * signature it checked with one of their keys) and receives a session token for that person: the same kind of session
 * the web opens, so that logging out everywhere, disabling the account and its expiry end SSH sessions as they end web
 * ones. Failures are counted per address and per username (LoginFailures) and written to the audit log.
 */
import type { AuditRepository } from "@director/db/audit.repository";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { User } from "@director/domain/user";
import type { AuthService, OpenedSession } from "../auth/auth.service.js";
import type { LoginFailureCounter } from "./login-failures.js";

/** A public key as SSH carries it: algorithm name and base64 blob. */
export interface SshPublicKey {
  algorithm: string;
  data: string;
}

/** The person a registered key belongs to (features/ssh: SshKeysService). */
export interface LoginKeys {
  findLoginKey(username: string, publicKey: SshPublicKey): Promise<{ user: User; keyId: number } | null>;
  recordUse(keyId: number, at: Date): Promise<void>;
}

export type ShellCredential = { kind: "password"; password: string } | { kind: "publickey"; publicKey: SshPublicKey };

export interface ShellLoginsDeps {
  auth: Pick<AuthService, "login" | "openSession" | "logout">;
  keys: LoginKeys;
  failures: LoginFailureCounter;
  audit: Pick<AuditRepository, "record">;
  now?: () => Date;
}

export class ShellLoginsService {
  readonly #deps: ShellLoginsDeps;

  constructor(deps: ShellLoginsDeps) {
    this.#deps = deps;
  }

  /**
   * Whether `publicKey` may log `username` in: the client asks before it signs, once per key it holds. Not counted as
   * a failure (a person's agent may offer several keys), and says nothing about the account beyond what a signature
   * attempt would.
   */
  async isKeyAccepted(username: string, publicKey: SshPublicKey): Promise<boolean> {
    const found = await this.#deps.keys.findLoginKey(normalized(username), publicKey);
    // A disabled account's own key is accepted here: the login then tells its owner the account is disabled.
    return found !== null;
  }

  /**
   * Opens a session for `username` with `credential`, from `address`. Refusals: LOGIN_RATE_LIMITED (too many
   * failures), AUTH_INVALID_CREDENTIALS (wrong password, or a key that is not the person's), ACCOUNT_DISABLED (right
   * credential, disabled account: only its owner learns that).
   */
  async login(username: string, address: string, credential: ShellCredential): Promise<OpenedSession> {
    const name = normalized(username);
    const retryAfterSeconds = await this.#deps.failures.retryAfterSeconds(address, name);
    if (retryAfterSeconds > 0) {
      await this.#deps.audit.record({
        actorUserId: null,
        action: "auth.login_refused",
        target: `user:${name}`,
        details: { method: methodOf(credential), reason: "rate_limited", address },
      });
      throw new DirectorError("LOGIN_RATE_LIMITED", `Too many failed logins; try again in ${retryAfterSeconds} s.`, {
        details: { retryAfterSeconds },
      });
    }
    try {
      return credential.kind === "password"
        ? await this.#deps.auth.login(name, credential.password, "ssh-password")
        : await this.#keyLogin(name, credential.publicKey);
    } catch (error) {
      if (isDirectorError(error) && error.code === "AUTH_INVALID_CREDENTIALS") {
        await this.#deps.failures.record(address, name);
      }
      throw error;
    }
  }

  /** Ends a shell login's session (its SSH connection closed). */
  async logout(token: string): Promise<void> {
    await this.#deps.auth.logout(token);
  }

  async #keyLogin(username: string, publicKey: SshPublicKey): Promise<OpenedSession> {
    const found = await this.#deps.keys.findLoginKey(username, publicKey);
    if (found === null) {
      await this.#deps.audit.record({
        actorUserId: null,
        action: "auth.login_failed",
        target: `user:${username.slice(0, 64)}`,
        details: { method: "ssh-key", algorithm: publicKey.algorithm.slice(0, 64) },
      });
      throw new DirectorError("AUTH_INVALID_CREDENTIALS", "This key does not belong to this account.");
    }
    const session = await this.#deps.auth.openSession(found.user, "ssh-key");
    await this.#deps.keys.recordUse(found.keyId, this.#deps.now?.() ?? new Date());
    return session;
  }
}

function normalized(username: string): string {
  return username.trim().toLowerCase();
}

function methodOf(credential: ShellCredential): "ssh-password" | "ssh-key" {
  return credential.kind === "password" ? "ssh-password" : "ssh-key";
}
