/** Login sessions. */

import type { Session, SessionKind, User } from "@director/domain/user";
import type { DatabaseHandle } from "./database.js";
import { toUser } from "./users.repository.js";

/** last_seen_at is written at most this often per session, so every request is not a write. */
const lastSeenResolutionMs = 60_000;

/** What opening a session needs; `tokenHash` is the sha-256 hex of the random token given to the client. */
export interface NewSession {
  tokenHash: string;
  userId: number;
  expiresAt: Date;
  /** default web */
  kind?: SessionKind;
}

/** Reads and writes sessions. */
export class SessionsRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** Stores a new session. */
  async create(input: NewSession, trx: DatabaseHandle = this.#db): Promise<Session> {
    const row = await trx
      .insertInto("sessions")
      .values({
        token_hash: input.tokenHash,
        user_id: input.userId,
        expires_at: input.expiresAt,
        kind: input.kind ?? "web",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return {
      tokenHash: row.token_hash,
      userId: row.user_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastSeenAt: row.last_seen_at,
    };
  }

  /**
   * The session and its user when the session exists, has not expired at `now` and its user is active; else null.
   * Touches last_seen_at when it is more than a minute old. A session of another kind than `kind` is not found.
   */
  async findActiveUser(
    tokenHash: string,
    now: Date,
    kind: SessionKind = "web",
    trx: DatabaseHandle = this.#db,
  ): Promise<{ user: User; session: Session } | null> {
    const row = await trx
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .selectAll("users")
      .select([
        "sessions.token_hash",
        "sessions.created_at as session_created_at",
        "sessions.expires_at",
        "sessions.last_seen_at",
      ])
      .where("sessions.token_hash", "=", tokenHash)
      .where("sessions.kind", "=", kind)
      .where("sessions.expires_at", ">", now)
      .where("users.is_active", "=", true)
      .executeTakeFirst();
    if (!row) return null;
    let lastSeenAt = row.last_seen_at;
    if (now.getTime() - lastSeenAt.getTime() >= lastSeenResolutionMs) {
      // The condition repeats in SQL so concurrent requests of one session write once.
      await trx
        .updateTable("sessions")
        .set({ last_seen_at: now })
        .where("token_hash", "=", tokenHash)
        .where("last_seen_at", "<=", new Date(now.getTime() - lastSeenResolutionMs))
        .execute();
      lastSeenAt = now;
    }
    return {
      user: toUser(row),
      session: {
        tokenHash: row.token_hash,
        userId: row.id,
        createdAt: row.session_created_at,
        expiresAt: row.expires_at,
        lastSeenAt,
      },
    };
  }

  /** Ends a session (logout); a no-op when it does not exist. */
  async delete(tokenHash: string, trx: DatabaseHandle = this.#db): Promise<void> {
    await trx.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }

  /** Ends every session of a user (their account was disabled); returns how many. */
  async deleteForUser(userId: number, trx: DatabaseHandle = this.#db): Promise<number> {
    const result = await trx.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes every session expired at `now`; returns how many. */
  async deleteExpired(now: Date, trx: DatabaseHandle = this.#db): Promise<number> {
    const result = await trx.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
