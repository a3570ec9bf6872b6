/**
 * The authentication of one SSH connection: public keys (the client asks for each key whether it would do, then signs
 * with one; the signature is checked here, the key's owner by the manager) and passwords (checked by the manager).
 * A failure waits `failureDelayMs` before its answer, and a connection gets `maxAttempts` tries; the manager counts
 * failures per address and per account and writes them to the audit log. A right credential of a disabled account is
 * accepted here so that its owner is told why in their terminal (`refusal`), never given a channel.
 */
import { isDirectorError } from "@director/domain/errors";
import { ssh2 } from "@director/host/ssh2-library";
import type { Logger } from "pino";
import type { AuthContext } from "ssh2";
import type { ShellCredential, ShellManager } from "../adapters/manager-shell-api.js";
import { parseSshLoginName, type SshLoginName } from "../core/ssh-username.js";

/** A connection's login once accepted. */
export interface SshLogin {
  name: SshLoginName;
  /** the manager's login token; null when refused (then `refusal` says why) */
  token: string | null;
  refusal: string | null;
}

export interface SshLoginDeps {
  manager: ShellManager;
  /** the client's address, for the manager's per-address count and the audit log */
  address: string;
  failureDelayMs: number;
  log: Logger;
}

/** OpenSSH's own MaxAuthTries default. */
const maxAttempts = 6;

export class SshLoginHandler {
  readonly #deps: SshLoginDeps;
  #attempts = 0;
  login: SshLogin | null = null;

  constructor(deps: SshLoginDeps) {
    this.#deps = deps;
  }

  /** Answers one authentication request; resolves to false when the connection should be dropped (too many tries). */
  async handle(ctx: AuthContext): Promise<boolean> {
    const name = parseSshLoginName(ctx.username);
    if (ctx.method === "password") {
      this.#attempts += 1;
      await this.#logIn(ctx, name, { kind: "password", password: ctx.password });
    } else if (ctx.method === "publickey") {
      const parsed = ssh2.utils.parseKey(ctx.key.data);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key === undefined || key instanceof Error) {
        ctx.reject();
        return true;
      }
      const publicKey = { algorithm: key.type, data: ctx.key.data.toString("base64") };
      if (ctx.signature === undefined) {
        // The client asks whether this key would do before signing with it: not an attempt yet.
        const isAccepted = await this.#deps.manager
          .isKeyAccepted(name.username, publicKey)
          .catch((error: unknown) => this.#unreachable(error));
        if (isAccepted) ctx.accept();
        else ctx.reject();
        return true;
      }
      this.#attempts += 1;
      if (ctx.blob === undefined || key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        await this.#fail(ctx);
      } else {
        await this.#logIn(ctx, name, { kind: "publickey", publicKey });
      }
    } else {
      ctx.reject(["publickey", "password"]);
    }
    return this.#attempts < maxAttempts || this.login !== null;
  }

  async #logIn(ctx: AuthContext, name: SshLoginName, credential: ShellCredential): Promise<void> {
    try {
      const { token } = await this.#deps.manager.login(name.username, this.#deps.address, credential);
      this.login = { name, token, refusal: null };
      ctx.accept();
    } catch (error) {
      if (isDirectorError(error) && error.code === "ACCOUNT_DISABLED") {
        this.login = { name, token: null, refusal: error.message };
        ctx.accept();
        return;
      }
      if (!isDirectorError(error) || error.kind !== "user") this.#unreachable(error);
      await this.#fail(ctx);
    }
  }

  async #fail(ctx: AuthContext): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.#deps.failureDelayMs));
    ctx.reject(["publickey", "password"]);
  }

  #unreachable(error: unknown): false {
    this.#deps.log.warn({ err: error }, "the manager did not answer an SSH login");
    return false;
  }
}
