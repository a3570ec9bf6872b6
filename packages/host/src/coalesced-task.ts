/**
 * Runs a task one at a time, and lets callers who ask while it is queued share that run: a task that reads the
 * current state of something (nginx reading its files on a reload) then runs once for every change made before it
 * began, however many callers asked. A caller who asks after a run began gets the next run, which sees its change.
 */
export class CoalescedTask {
  readonly #task: () => Promise<void>;
  #running: Promise<void> = Promise.resolve();
  #queued: Promise<void> | null = null;

  constructor(task: () => Promise<void>) {
    this.#task = task;
  }

  /** Resolves (or rejects) with the first run of the task that begins after this call. */
  run(): Promise<void> {
    if (this.#queued !== null) return this.#queued;
    const queued = this.#running
      .catch(() => undefined)
      .then(() => {
        // From here on, a new caller's change may come after the task has read the state: it needs the next run.
        this.#queued = null;
        return this.#task();
      });
    this.#queued = queued;
    this.#running = queued;
    return queued;
  }
}
