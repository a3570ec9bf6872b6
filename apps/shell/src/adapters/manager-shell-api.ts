/**
 * The manager's internal API for the shell server (contracts/manager-routes-ssh.ts `shellRoutes`): the only thing
 * the shell server talks to. It holds no credential to the orchestrator or the database; a person's login token,
 * received from the manager once they proved who they are, is what opens their channels.
 */
import {
  type ShellChannelOpen,
  shellLoginHeader,
  type shellLoginRequestSchema,
  shellRoutes,
} from "@director/contracts/manager-routes-ssh";
import type { InternalClient } from "@director/http-kit/internal-client";
import type WebSocket from "ws";
import type { z } from "zod";

export type ShellCredential = z.input<typeof shellLoginRequestSchema>["credential"];

/** What the SSH side needs of the manager; tests of the SSH side may give their own. */
export interface ShellManager {
  isKeyAccepted(username: string, publicKey: { algorithm: string; data: string }): Promise<boolean>;
  /** the login token; throws the manager's refusal (AUTH_INVALID_CREDENTIALS, LOGIN_RATE_LIMITED, ACCOUNT_DISABLED) */
  login(username: string, address: string, credential: ShellCredential): Promise<{ token: string; username: string }>;
  logout(token: string): Promise<void>;
  sites(token: string): Promise<{ name: string; type: string; isEnabled: boolean }[]>;
  /** the channel's socket, its open message sent; throws the manager's refusal (SITE_NOT_FOUND, FORBIDDEN, …) */
  openChannel(token: string, site: string, open: ShellChannelOpen): Promise<WebSocket>;
  reportHostKeys(keys: { algorithm: string; fingerprint: string }[], port: number): Promise<void>;
}

export class ManagerShellApi implements ShellManager {
  readonly #client: InternalClient;

  constructor(client: InternalClient) {
    this.#client = client;
  }

  async isKeyAccepted(username: string, publicKey: { algorithm: string; data: string }): Promise<boolean> {
    const answer = await this.#client.request(shellRoutes.checkKey, { body: { username, publicKey } });
    return answer.isAccepted;
  }

  async login(username: string, address: string, credential: ShellCredential) {
    const answer = await this.#client.request(shellRoutes.login, { body: { username, address, credential } });
    return { token: answer.token, username: answer.username };
  }

  async logout(token: string): Promise<void> {
    await this.#client.request(shellRoutes.logout, { headers: { [shellLoginHeader]: token } });
  }

  async sites(token: string) {
    const answer = await this.#client.request(shellRoutes.sites, { headers: { [shellLoginHeader]: token } });
    return answer.sites;
  }

  async openChannel(token: string, site: string, open: ShellChannelOpen): Promise<WebSocket> {
    const socket = await this.#client.openSocket(shellRoutes.channel, {
      params: { name: site },
      headers: { [shellLoginHeader]: token },
    });
    socket.send(JSON.stringify(open));
    return socket;
  }

  async reportHostKeys(keys: { algorithm: string; fingerprint: string }[], port: number): Promise<void> {
    await this.#client.request(shellRoutes.hostKeys, { body: { keys, port } });
  }
}
