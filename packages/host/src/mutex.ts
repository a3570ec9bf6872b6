/** A tiny async mutex: callers of `runExclusive` run one at a time, in the order they called. */
export class Mutex {
  // The promise every new caller waits for; it never rejects, so one failure does not poison the queue.
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier `fn` has settled; resolves or rejects with `fn`'s own outcome. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
