/**
 * The SSH server (ssh2): connections are counted (in all and per client address, an IPv6 client by its /64), must
 * log in within the login timeout, and once logged in may open session channels (ssh-session.ts). Nothing else is
 * offered: no port forwarding, no agent forwarding, no X11. When a connection ends, its login ends at the manager.
 */
import type { AddressInfo } from "node:net";
import { DirectorError } from "@director/domain/errors";
import { ssh2 } from "@director/host/ssh2-library";
import { clientAddressKey } from "@director/http-kit/client-address-key";
import type { Logger } from "pino";
import type { Connection, Server } from "ssh2";
import type { ShellManager } from "../adapters/manager-shell-api.js";
import { SshLoginHandler } from "./ssh-login.js";
import { serveSession } from "./ssh-session.js";

export interface SshServerOptions {
  hostKeys: string[];
  manager: ShellManager;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  loginTimeoutMs: number;
  failureDelayMs: number;
  /** `alice+SITE@host -p 2222` as people should type it, for messages */
  siteHint: (username: string) => string;
  log: Logger;
  /** told of refused connections and of logins (the shell server's metrics) */
  observer?: SshServerObserver;
}

/** What the shell server's metrics count; each method returns at once and never throws. */
export interface SshServerObserver {
  /** a connection closed at once: too many open, in all or from its address */
  connectionRefused(): void;
  /** a connection logged in */
  loggedIn(): void;
}

export class SshServer {
  readonly #options: SshServerOptions;
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  readonly #perAddress = new Map<string, number>();
  #isListening = false;

  constructor(options: SshServerOptions) {
    this.#options = options;
    this.#server = new ssh2.Server(
      { hostKeys: options.hostKeys, ident: "Director", keepaliveInterval: 30_000, keepaliveCountMax: 4 },
      (client, info) => this.#accept(client, info.ip),
    );
  }

  /** Listens; resolves to the port (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const refuse = (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "EADDRINUSE" || error.code === "EACCES"
            ? new DirectorError(
                "CONFIG_INVALID",
                `The SSH server cannot listen on ${host}:${port} (${error.code}): choose another DIRECTOR_SHELL_PORT.`,
                { cause: error },
              )
            : error,
        );
      this.#server.once("error", refuse);
      this.#server.listen(port, host, () => {
        this.#server.off("error", refuse);
        this.#isListening = true;
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and ends every connection (their logins end at the manager). */
  async close(): Promise<void> {
    this.#isListening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const client of this.#connections) client.end();
    await closed;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Whether it listens (for the readiness probe). */
  get isListening(): boolean {
    return this.#isListening;
  }

  #accept(client: Connection, address: string): void {
    const group = clientAddressKey(address);
    const fromAddress = this.#perAddress.get(group) ?? 0;
    const log = this.#options.log.child({ address });
    client.on("error", (error) => log.debug({ err: error }, "an SSH connection failed"));
    if (
      this.#connections.size >= this.#options.maxConnections ||
      fromAddress >= this.#options.maxConnectionsPerAddress
    ) {
      log.warn("an SSH connection was refused: too many open");
      this.#options.observer?.connectionRefused();
      client.end();
      return;
    }
    // ssh2 leaves Nagle's algorithm on and writes a login's replies and a terminal's output in small pieces: each then
    // waited for the client's delayed acknowledgement (40 ms), which made logins 2.5 times slower and a keystroke's
    // p99 162 ms instead of 36 (bench/ssh.ts). OpenSSH sets TCP_NODELAY for interactive sessions too.
    (client as unknown as { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    this.#connections.add(client);
    this.#perAddress.set(group, fromAddress + 1);
    const loginTimer = setTimeout(() => client.end(), this.#options.loginTimeoutMs);
    const handler = new SshLoginHandler({
      manager: this.#options.manager,
      address,
      failureDelayMs: this.#options.failureDelayMs,
      log,
    });
    client.on("authentication", (ctx) => {
      void handler.handle(ctx).then((isKept) => {
        if (!isKept) client.end();
      });
    });
    client.on("ready", () => {
      clearTimeout(loginTimer);
      const login = handler.login;
      if (login === null) {
        client.end();
        return;
      }
      this.#options.observer?.loggedIn();
      client.on("session", (accept) => {
        serveSession(accept(), {
          manager: this.#options.manager,
          login,
          siteHint: this.#options.siteHint(login.name.username),
          log: log.child({ username: login.name.username }),
        });
      });
    });
    // Forwarding of any kind is refused: a site's shell is all a login gives.
    client.on("tcpip", (_accept, reject) => reject());
    client.on("request", (_accept, reject) => reject?.());
    client.on("close", () => {
      clearTimeout(loginTimer);
      this.#connections.delete(client);
      const open = (this.#perAddress.get(group) ?? 1) - 1;
      if (open <= 0) this.#perAddress.delete(group);
      else this.#perAddress.set(group, open);
      const token = handler.login?.token;
      if (token) {
        this.#options.manager.logout(token).catch((error: unknown) => {
          log.warn({ err: error }, "the manager did not end an SSH login; it expires by itself");
        });
      }
    });
  }
}
