import { createHash } from "node:crypto";

/** A channel to the other managers (the Redis bus); messages from this process never come back. */
export interface SessionEndingsChannel {
  publish(message: string): void;
  subscribe(listener: (message: string) => void): () => void;
}

/**
 * The open live connections by session and by account, so that a logout or a disabled account closes them at once
 * rather than at their next check (up to 30 s later). With a channel to the other managers (DIRECTOR_REDIS_URL), the
 * ending is told to them too and closes their connections of it as well; a session is named there by its token's
 * SHA-256, never by the token. Without one, a connection held by another manager still ends at its own check.
 */
export class LiveSessions {
  readonly #bySession = new Map<string, Set<() => void>>();
  readonly #byUser = new Map<number, Set<() => void>>();
  readonly #others: SessionEndingsChannel | undefined;

  constructor(others?: SessionEndingsChannel) {
    this.#others = others;
    others?.subscribe((message) => {
      const [kind, key = ""] = message.split(":");
      if (kind === "session" && /^[0-9a-f]{64}$/.test(key)) this.#close(this.#bySession.get(key));
      const userId = Number(key);
      if (kind === "user" && Number.isSafeInteger(userId) && userId > 0) this.#close(this.#byUser.get(userId));
    });
  }

  /** Remembers how to close one connection; returns the function that forgets it (when it closes by itself). */
  track(token: string, userId: number, close: () => void): () => void {
    const session = sessionKey(token);
    add(this.#bySession, session, close);
    add(this.#byUser, userId, close);
    return () => {
      remove(this.#bySession, session, close);
      remove(this.#byUser, userId, close);
    };
  }

  /** The session ended (logout): its connections close, here and on the other managers. */
  endSession(token: string): void {
    const session = sessionKey(token);
    this.#close(this.#bySession.get(session));
    this.#others?.publish(`session:${session}`);
  }

  /** The account was disabled: every connection of it closes, here and on the other managers. */
  endUser(userId: number): void {
    this.#close(this.#byUser.get(userId));
    this.#others?.publish(`user:${userId}`);
  }

  #close(closers: Set<() => void> | undefined): void {
    for (const close of [...(closers ?? [])]) close();
  }
}

function sessionKey(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function add<K>(map: Map<K, Set<() => void>>, key: K, close: () => void): void {
  const set = map.get(key) ?? new Set();
  set.add(close);
  map.set(key, set);
}

function remove<K>(map: Map<K, Set<() => void>>, key: K, close: () => void): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(close);
  if (set.size === 0) map.delete(key);
}
