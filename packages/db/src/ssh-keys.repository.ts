/** People's SSH public keys (migration 0013). */
import { DirectorError } from "@director/domain/errors";
import type { SshKeyRecord } from "@director/domain/ssh-key";
import type { User } from "@director/domain/user";
import type { Selectable } from "kysely";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";
import type { SshKeysTable } from "./schema.js";
import { toUser } from "./users.repository.js";

/** A key to store, already parsed and checked (the manager's ssh-keys.service.ts). */
export interface NewSshKey {
  userId: number;
  label: string;
  algorithm: string;
  keyData: string;
  fingerprint: string;
  bits: number;
}

/** Reads and writes SSH keys. */
export class SshKeysRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** A person's keys, oldest first. */
  async listForUser(userId: number, trx: DatabaseHandle = this.#db): Promise<SshKeyRecord[]> {
    const rows = await trx.selectFrom("ssh_keys").selectAll().where("user_id", "=", userId).orderBy("id").execute();
    return rows.map(toSshKey);
  }

  async countForUser(userId: number, trx: DatabaseHandle = this.#db): Promise<number> {
    const row = await trx
      .selectFrom("ssh_keys")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * Holds the person's account row until the transaction ends, so that two additions at once count each other's key
   * (the limit per account). Call it inside a transaction, before counting.
   */
  async lockKeysOf(userId: number, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.selectFrom("users").select("id").where("id", "=", userId).forUpdate().execute();
  }

  /** The key with this fingerprint, whoever's it is; null when none. */
  async findByFingerprint(fingerprint: string, trx: DatabaseHandle = this.#db): Promise<SshKeyRecord | null> {
    const row = await trx.selectFrom("ssh_keys").selectAll().where("fingerprint", "=", fingerprint).executeTakeFirst();
    return row ? toSshKey(row) : null;
  }

  /**
   * The key with this fingerprint and its account, when the account is named `username`; null otherwise (no such
   * account, no such key, or the key is another account's). Disabled accounts are found too: the caller decides.
   */
  async findWithUser(
    username: string,
    fingerprint: string,
    trx: DatabaseHandle = this.#db,
  ): Promise<{ key: SshKeyRecord; user: User } | null> {
    const row = await trx
      .selectFrom("ssh_keys")
      .innerJoin("users", "users.id", "ssh_keys.user_id")
      .selectAll("users")
      .select([
        "ssh_keys.id as key_id",
        "ssh_keys.label",
        "ssh_keys.algorithm",
        "ssh_keys.key_data",
        "ssh_keys.fingerprint",
        "ssh_keys.bits",
        "ssh_keys.created_at as key_created_at",
        "ssh_keys.last_used_at",
      ])
      .where("ssh_keys.fingerprint", "=", fingerprint)
      .where("users.username", "=", username)
      .executeTakeFirst();
    if (!row) return null;
    return {
      user: toUser(row),
      key: toSshKey({
        id: row.key_id,
        user_id: row.id,
        label: row.label,
        algorithm: row.algorithm,
        key_data: row.key_data,
        fingerprint: row.fingerprint,
        bits: row.bits,
        created_at: row.key_created_at,
        last_used_at: row.last_used_at,
      }),
    };
  }

  /** Stores a key; SSH_KEY_EXISTS when its fingerprint is on an account already (this one or another). */
  async create(key: NewSshKey, trx: DatabaseHandle = this.#db): Promise<SshKeyRecord> {
    try {
      const row = await trx
        .insertInto("ssh_keys")
        .values({
          user_id: key.userId,
          label: key.label,
          algorithm: key.algorithm,
          key_data: key.keyData,
          fingerprint: key.fingerprint,
          bits: key.bits,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSshKey(row);
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.sshKeysFingerprint)) {
        const message = "This key is already on an account; a key identifies one person.";
        throw new DirectorError("SSH_KEY_EXISTS", message, {
          details: { fields: { publicKey: message } },
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Deletes one of a person's keys; the deleted key, or null when the person has no key with this id. */
  async delete(userId: number, id: number, trx: DatabaseHandle = this.#db): Promise<SshKeyRecord | null> {
    const row = await trx
      .deleteFrom("ssh_keys")
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .returningAll()
      .executeTakeFirst();
    return row ? toSshKey(row) : null;
  }

  /** Notes a login with the key; a no-op when the key is gone. */
  async recordUse(id: number, at: Date, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.updateTable("ssh_keys").set({ last_used_at: at }).where("id", "=", id).execute();
  }
}

/** Maps an `ssh_keys` row to an SshKeyRecord. */
export function toSshKey(row: Selectable<SshKeysTable>): SshKeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    algorithm: row.algorithm,
    keyData: row.key_data,
    fingerprint: row.fingerprint,
    bits: row.bits,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
