/**
 * Shells in a site's terminal environment: one environment (a container) per site, shared by its open shells, started
 * on the first and removed a while after the last one ends. The environment is the site's process's own (same spec),
 * so what a person can do in a terminal is what the site's code can do already.
 */
import type { SiteId } from "@director/domain/site";
import { Mutex } from "async-mutex";
import type { Logger } from "pino";
import type { SiteServiceSpec } from "./service-runtime.js";
import type { SiteServiceRequestInput } from "./site-services.js";

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** One shell; its output is read once, by whoever relays it. */
export interface TerminalShell {
  /** the terminal's bytes as the shell writes them, until it ends or is hung up */
  readonly output: AsyncIterable<Buffer>;
  write(bytes: Buffer): void;
  resize(size: TerminalSize): Promise<void>;
  /** Hangs up the shell (SIGHUP, then SIGKILL) and stops its output; idempotent. */
  end(): Promise<void>;
  /** The shell's exit status once its output has ended; null when it was hung up or killed. */
  exitCode(): Promise<number | null>;
}

/** Where terminal environments run (adapters/docker-site-terminals.ts). */
export interface TerminalRuntime {
  /**
   * Makes the site's environment run `spec`. `keepOlder`: one running from an older spec is kept as it is (shells are
   * open in it); otherwise it is replaced.
   */
  ensureEnvironment(spec: SiteServiceSpec, options: { keepOlder: boolean }): Promise<void>;
  /** Starts a shell in the site's running environment, in /site, as the site's account. */
  startShell(spec: SiteServiceSpec, size: TerminalSize): Promise<TerminalShell>;
  /** Removes the site's environment (its shells end with it); no-op when absent. */
  removeEnvironment(id: SiteId): Promise<void>;
  /** Removes every environment of this installation (those a stopped orchestrator left). */
  removeAllEnvironments(): Promise<void>;
}

export interface SiteTerminalsDeps {
  runtime: TerminalRuntime;
  /** the checked spec of the site's process (SiteServices.specOf) */
  specOf(id: SiteId, request: SiteServiceRequestInput): Promise<SiteServiceSpec>;
  /** makes the site's directory when missing (a terminal on a new site) */
  ensureDirectory(id: SiteId): Promise<void>;
  /** how long an environment without shells is kept (a reload of the page reuses it); default 60 s */
  idleRemovalMs?: number;
  log: Logger;
}

const defaultIdleRemovalMs = 60_000;

interface SiteState {
  readonly lock: Mutex;
  readonly shells: Set<TerminalShell>;
  removal: NodeJS.Timeout | null;
}

export class SiteTerminals {
  readonly #deps: SiteTerminalsDeps;
  readonly #sites = new Map<SiteId, SiteState>();
  /** Settles once the leftovers of a previous run are gone: a new environment must not be taken for one. */
  #leftoversRemoved: Promise<void> = Promise.resolve();

  constructor(deps: SiteTerminalsDeps) {
    this.#deps = deps;
  }

  /**
   * Starts a shell for site `id`, in an environment running `service` (a new one unless shells are open in an older
   * one). Ending the returned shell lets the environment go once it was the last.
   */
  async open(
    id: SiteId,
    service: Omit<SiteServiceRequestInput, "isEnabled">,
    size: TerminalSize,
  ): Promise<TerminalShell> {
    await this.#leftoversRemoved;
    const state = this.#stateOf(id);
    return state.lock.runExclusive(async () => {
      if (state.removal !== null) clearTimeout(state.removal);
      state.removal = null;
      try {
        const spec = await this.#deps.specOf(id, { ...service, isEnabled: true });
        await this.#deps.ensureDirectory(id);
        await this.#deps.runtime.ensureEnvironment(spec, { keepOlder: state.shells.size > 0 });
        const shell = await this.#deps.runtime.startShell(spec, size);
        state.shells.add(shell);
        return this.#tracked(id, state, shell);
      } finally {
        this.#scheduleRemoval(id, state);
      }
    });
  }

  /** Ends every shell of the site and removes its environment now (the site is deleted or its files are going). */
  async closeSite(id: SiteId): Promise<void> {
    const state = this.#stateOf(id);
    await state.lock.runExclusive(async () => {
      if (state.removal !== null) clearTimeout(state.removal);
      state.removal = null;
      const shells = [...state.shells];
      state.shells.clear();
      await Promise.allSettled(shells.map((shell) => shell.end()));
      await this.#deps.runtime.removeEnvironment(id);
      this.#sites.delete(id);
    });
  }

  /** At start: environments a previous run left have no shells any more. */
  async removeLeftovers(): Promise<void> {
    const removal = this.#deps.runtime.removeAllEnvironments();
    this.#leftoversRemoved = removal.catch(() => undefined);
    await removal;
  }

  /** Ends every shell and removes every environment (the orchestrator stops). */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#sites.keys()].map((id) => this.closeSite(id)));
  }

  /** The number of open shells, by site (for metrics and tests). */
  openShells(): Map<SiteId, number> {
    return new Map([...this.#sites].map(([id, state]) => [id, state.shells.size]));
  }

  #stateOf(id: SiteId): SiteState {
    let state = this.#sites.get(id);
    if (state === undefined) {
      state = { lock: new Mutex(), shells: new Set(), removal: null };
      this.#sites.set(id, state);
    }
    return state;
  }

  /** The shell, whose end also forgets it and lets the environment go after the last. */
  #tracked(id: SiteId, state: SiteState, shell: TerminalShell): TerminalShell {
    let ended: Promise<void> | null = null;
    return {
      output: shell.output,
      write: (bytes) => shell.write(bytes),
      resize: (size) => shell.resize(size),
      exitCode: () => shell.exitCode(),
      end: () => {
        ended ??= shell.end().finally(() => {
          if (state.shells.delete(shell)) this.#scheduleRemoval(id, state);
        });
        return ended;
      },
    };
  }

  #scheduleRemoval(id: SiteId, state: SiteState): void {
    if (state.shells.size > 0 || state.removal !== null) return;
    state.removal = setTimeout(() => {
      void state.lock.runExclusive(async () => {
        state.removal = null;
        if (state.shells.size > 0) return;
        try {
          await this.#deps.runtime.removeEnvironment(id);
          if (state.shells.size === 0 && this.#sites.get(id) === state) this.#sites.delete(id);
        } catch (error) {
          this.#deps.log.warn({ err: error, siteId: id }, "could not remove a site's idle terminal environment");
        }
      });
    }, this.#deps.idleRemovalMs ?? defaultIdleRemovalMs);
    // A pending removal must not keep a stopping orchestrator alive (closeAll removes it anyway).
    state.removal.unref();
  }
}
