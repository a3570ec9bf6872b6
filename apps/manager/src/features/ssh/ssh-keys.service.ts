import type { AuditRepository } from "@director/db/audit.repository";
import type { SshKeysRepository } from "@director/db/ssh-keys.repository";
import type { Actor } from "@director/domain/actor";
import { DirectorError } from "@director/domain/errors";
import type { SshKeyRecord } from "@director/domain/ssh-key";
import type { User } from "@director/domain/user";
import { fingerprintOfOfferedKey, parseSshPublicKeyLine } from "./ssh-public-key.js";

/** The most SSH keys one account may hold. */
export const maxSshKeysPerAccount = 50;

export interface SshKeysServiceDeps {
  sshKeys: Pick<SshKeysRepository, "listForUser" | "findWithUser" | "recordUse">;
  /** runs `work` in one transaction with repositories bound to it */
  inTransaction<T>(
    work: (repos: {
      sshKeys: Pick<SshKeysRepository, "lockKeysOf" | "countForUser" | "findByFingerprint" | "create" | "delete">;
      audit: Pick<AuditRepository, "record">;
    }) => Promise<T>,
  ): Promise<T>;
}

/**
 * The SSH public keys people log in to the shell server with: each person manages their own (ed25519, ecdsa, RSA of
 * 2048 bits or more, at most 50), and a key belongs to one account at most, so that it names one person at login.
 */
export class SshKeysService {
  readonly #deps: SshKeysServiceDeps;

  constructor(deps: SshKeysServiceDeps) {
    this.#deps = deps;
  }

  /** The actor's keys, oldest first. */
  async list(actor: Actor): Promise<SshKeyRecord[]> {
    return this.#deps.sshKeys.listForUser(actor.id);
  }

  /**
   * Adds a key to the actor's account: SSH_KEY_INVALID when the text is not one accepted public key line,
   * SSH_KEY_EXISTS when the key is on this or another account (the other is never named), SSH_KEY_LIMIT at 50 keys.
   */
  async add(actor: Actor, input: { label: string; publicKey: string }): Promise<SshKeyRecord> {
    const checked = parseSshPublicKeyLine(input.publicKey);
    const label = input.label.trim();
    return this.#deps.inTransaction(async ({ sshKeys, audit }) => {
      await sshKeys.lockKeysOf(actor.id);
      const existing = await sshKeys.findByFingerprint(checked.fingerprint);
      if (existing) throw keyExists(existing.userId === actor.id);
      if ((await sshKeys.countForUser(actor.id)) >= maxSshKeysPerAccount) {
        throw new DirectorError(
          "SSH_KEY_LIMIT",
          `An account holds at most ${maxSshKeysPerAccount} SSH keys: remove one you no longer use first.`,
          { details: { max: maxSshKeysPerAccount } },
        );
      }
      const key = await sshKeys.create({ userId: actor.id, label, ...checked });
      await audit.record({
        actorUserId: actor.id,
        action: "ssh_key.add",
        target: `user:${actor.username}`,
        details: { id: key.id, label: key.label, algorithm: key.algorithm, fingerprint: key.fingerprint },
      });
      return key;
    });
  }

  /** Removes one of the actor's keys; SSH_KEY_NOT_FOUND when the actor has none with this id (another's included). */
  async remove(actor: Actor, id: number): Promise<void> {
    await this.#deps.inTransaction(async ({ sshKeys, audit }) => {
      const removed = await sshKeys.delete(actor.id, id);
      if (!removed) throw new DirectorError("SSH_KEY_NOT_FOUND", "You have no SSH key with this id.");
      await audit.record({
        actorUserId: actor.id,
        action: "ssh_key.remove",
        target: `user:${actor.username}`,
        details: { id: removed.id, label: removed.label, fingerprint: removed.fingerprint },
      });
    });
  }

  /**
   * For the shell server's login: the account named `username` and the id of its key whose blob is `publicKey.data`,
   * when that account holds this exact key and `publicKey.algorithm` may sign with it (its type, or `rsa-sha2-256`/
   * `-512` for an RSA key); null otherwise (unknown user, unknown key, another person's key). A disabled account is
   * returned too (`user.isActive` false): the caller refuses it with its own message.
   */
  async findLoginKey(
    username: string,
    publicKey: { algorithm: string; data: string },
  ): Promise<{ user: User; keyId: number } | null> {
    const fingerprint = fingerprintOfOfferedKey(publicKey);
    if (fingerprint === null) return null;
    const found = await this.#deps.sshKeys.findWithUser(username, fingerprint);
    // The fingerprint found the row; the blob itself is compared too, so a key never matches by its hash alone.
    if (!found || !sameBlob(found.key.keyData, publicKey.data)) return null;
    return { user: found.user, keyId: found.key.id };
  }

  /** Notes that a key logged someone in at `at` (shown as "last used"). */
  async recordUse(keyId: number, at: Date): Promise<void> {
    await this.#deps.sshKeys.recordUse(keyId, at);
  }
}

function keyExists(isOwn: boolean): DirectorError {
  const message = isOwn
    ? "This key is already on your account."
    : "This key is already on another account: a key must identify one person. Make a key of your own (ssh-keygen -t ed25519) and paste its .pub file.";
  return new DirectorError("SSH_KEY_EXISTS", message, { details: { fields: { publicKey: message } } });
}

function sameBlob(storedBase64: string, offeredBase64: string): boolean {
  return Buffer.from(storedBase64, "base64").equals(Buffer.from(offeredBase64, "base64"));
}
