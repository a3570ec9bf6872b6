/**
 * The open live connections by session and by account, so that a logout or a disabled account closes them at once
 * rather than at their next check (up to 30 s later). In this process's memory: a connection held by another
 * manager instance still ends at its own check.
 */
export class LiveSessions {
  readonly #byToken = new Map<string, Set<() => void>>();
  readonly #byUser = new Map<number, Set<() => void>>();

  /** Remembers how to close one connection; returns the function that forgets it (when it closes by itself). */
  track(token: string, userId: number, close: () => void): () => void {
    add(this.#byToken, token, close);
    add(this.#byUser, userId, close);
    return () => {
      remove(this.#byToken, token, close);
      remove(this.#byUser, userId, close);
    };
  }

  /** The session ended (logout): its connections close. */
  endSession(token: string): void {
    for (const close of [...(this.#byToken.get(token) ?? [])]) close();
  }

  /** The account was disabled: every connection of it closes. */
  endUser(userId: number): void {
    for (const close of [...(this.#byUser.get(userId) ?? [])]) close();
  }
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
