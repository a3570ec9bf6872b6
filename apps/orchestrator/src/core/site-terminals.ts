/**
 * Programs on a site's terminal sockets. Shells and commands run in the site's terminal environment: one environment
 * (a container) per site, shared by its running programs, started on the first and removed a while after the last one
 * ends. The environment is the site's process's own (same spec), so what a person can do in a terminal is what the
 * site's code can do already. sftp runs on its own, reaching nothing but the site's directory (SftpRuntime).
 */
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { Mutex } from "async-mutex";
import type { Logger } from "pino";
import type { SiteServiceSpec } from "./service-runtime.js";
import type { SiteServiceRequestInput } from "./site-services.js";

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** What a terminal socket runs (contracts' TerminalProgram): the login shell, one command through `sh -c`, or sftp. */
export type TerminalProgram = { kind: "shell" } | { kind: "command"; command: string } | { kind: "sftp" };
/** The programs that run in the site's terminal environment (sftp runs alone, see SftpRuntime). */
export type EnvironmentProgram = Exclude<TerminalProgram, { kind: "sftp" }>;

/** What to run, with a terminal or not (sftp never has one), and the terminal's size. */
export interface TerminalRequest {
  program: TerminalProgram;
  hasTty: boolean;
  size: TerminalSize;
}

/** A piece of output: the terminal's bytes (with a TTY), or bytes of one of the program's two streams (without). */
export interface TerminalOutput {
  stream: "terminal" | "stdout" | "stderr";
  bytes: Buffer;
}

/** One running program; its output is read once, by whoever relays it. */
export interface TerminalSession {
  /** the program's output as it writes it, until it ends or is hung up */
  readonly output: AsyncIterable<TerminalOutput>;
  write(bytes: Buffer): void;
  /** Ends the program's input, as closing a pipe does (`wc -c` then prints its count); idempotent. */
  closeInput(): void;
  /** Resizes the terminal; nothing without one. */
  resize(size: TerminalSize): Promise<void>;
  /** Hangs up the program (SIGHUP, then SIGKILL) and stops its output; idempotent. */
  end(): Promise<void>;
  /** The program's exit status once its output has ended; null when it was hung up or killed. */
  exitCode(): Promise<number | null>;
}

/** Where terminal environments run (adapters/docker-site-terminals.ts). */
export interface TerminalRuntime {
  /**
   * Makes the site's environment run `spec`. `keepOlder`: one running from an older spec is kept as it is (programs
   * are running in it); otherwise it is replaced.
   */
  ensureEnvironment(spec: SiteServiceSpec, options: { keepOlder: boolean }): Promise<void>;
  /** Starts the login shell or a command in the site's running environment, in /site, as the site's account. */
  startProgram(
    spec: SiteServiceSpec,
    program: EnvironmentProgram,
    options: { hasTty: boolean; size: TerminalSize },
  ): Promise<TerminalSession>;
  /** Removes the site's environment (its programs end with it); no-op when absent. */
  removeEnvironment(id: SiteId): Promise<void>;
  /** Removes every environment of this installation (those a stopped orchestrator left). */
  removeAllEnvironments(): Promise<void>;
}

/**
 * Where sftp sessions run (adapters/docker-site-sftp.ts): each on its own, as the site's account, reaching nothing but
 * the site's directory. Not in the terminal environment, whose image is the site's and may hold anything.
 */
export interface SftpRuntime {
  /** Starts an sftp server on the site's directory; its input and output are the SFTP protocol's packets. */
  startSftp(spec: SiteServiceSpec): Promise<TerminalSession>;
  /** Removes every sftp session of this installation (those a stopped orchestrator left). */
  removeAllSessions(): Promise<void>;
}

export interface SiteTerminalsDeps {
  runtime: TerminalRuntime;
  /** absent: sftp is refused (TERMINAL_FAILED) */
  sftp?: SftpRuntime;
  /** the checked spec of the site's process (SiteServices.specOf) */
  specOf(id: SiteId, request: SiteServiceRequestInput): Promise<SiteServiceSpec>;
  /** makes the site's directory when missing (a terminal on a new site) */
  ensureDirectory(id: SiteId): Promise<void>;
  /** how long an environment without programs is kept (a reload of the page reuses it); default 60 s */
  idleRemovalMs?: number;
  log: Logger;
}

const defaultIdleRemovalMs = 60_000;

interface SiteState {
  readonly lock: Mutex;
  /** the programs running in the site's environment: it stays while there is one */
  readonly inEnvironment: Set<TerminalSession>;
  readonly sftpSessions: Set<TerminalSession>;
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
   * Starts a program for site `id`: sftp on its own, the shell or a command in an environment running `service` (a
   * new one unless programs run in an older one). Ending the returned session lets the environment go once it was the
   * last.
   */
  async open(
    id: SiteId,
    service: Omit<SiteServiceRequestInput, "isEnabled">,
    request: TerminalRequest,
  ): Promise<TerminalSession> {
    await this.#leftoversRemoved;
    const state = this.#stateOf(id);
    // Under the site's lock, sftp too: closeSite must not miss a session that starts while it runs.
    return state.lock.runExclusive(async () => {
      if (state.removal !== null) clearTimeout(state.removal);
      state.removal = null;
      try {
        const spec = await this.#deps.specOf(id, { ...service, isEnabled: true });
        await this.#deps.ensureDirectory(id);
        const { program } = request;
        if (program.kind === "sftp") {
          if (this.#deps.sftp === undefined) {
            throw new DirectorError("TERMINAL_FAILED", "sftp is not available on this orchestrator.");
          }
          const session = await this.#deps.sftp.startSftp(spec);
          state.sftpSessions.add(session);
          return this.#tracked(id, state, state.sftpSessions, session);
        }
        await this.#deps.runtime.ensureEnvironment(spec, { keepOlder: state.inEnvironment.size > 0 });
        const session = await this.#deps.runtime.startProgram(spec, program, request);
        state.inEnvironment.add(session);
        return this.#tracked(id, state, state.inEnvironment, session);
      } finally {
        this.#scheduleRemoval(id, state);
      }
    });
  }

  /** Ends every program of the site and removes its environment now (the site is deleted or its files are going). */
  async closeSite(id: SiteId): Promise<void> {
    const state = this.#stateOf(id);
    await state.lock.runExclusive(async () => {
      if (state.removal !== null) clearTimeout(state.removal);
      state.removal = null;
      const sessions = [...state.inEnvironment, ...state.sftpSessions];
      state.inEnvironment.clear();
      state.sftpSessions.clear();
      await Promise.allSettled(sessions.map((session) => session.end()));
      await this.#deps.runtime.removeEnvironment(id);
      this.#sites.delete(id);
    });
  }

  /** At start: environments and sftp sessions a previous run left have no caller any more. */
  async removeLeftovers(): Promise<void> {
    const removal = Promise.all([
      this.#deps.runtime.removeAllEnvironments(),
      this.#deps.sftp?.removeAllSessions(),
    ]).then(() => undefined);
    this.#leftoversRemoved = removal.catch(() => undefined);
    await removal;
  }

  /** Ends every program and removes every environment (the orchestrator stops). */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#sites.keys()].map((id) => this.closeSite(id)));
  }

  /** The number of running programs (shells, commands, sftp sessions), by site (for metrics and tests). */
  openSessions(): Map<SiteId, number> {
    return new Map([...this.#sites].map(([id, state]) => [id, state.inEnvironment.size + state.sftpSessions.size]));
  }

  #stateOf(id: SiteId): SiteState {
    let state = this.#sites.get(id);
    if (state === undefined) {
      state = { lock: new Mutex(), inEnvironment: new Set(), sftpSessions: new Set(), removal: null };
      this.#sites.set(id, state);
    }
    return state;
  }

  /** The session, whose end also forgets it and lets the environment go after the last. */
  #tracked(id: SiteId, state: SiteState, set: Set<TerminalSession>, session: TerminalSession): TerminalSession {
    let ended: Promise<void> | null = null;
    return {
      output: session.output,
      write: (bytes) => session.write(bytes),
      closeInput: () => session.closeInput(),
      resize: (size) => session.resize(size),
      exitCode: () => session.exitCode(),
      end: () => {
        ended ??= session.end().finally(() => {
          if (set.delete(session)) this.#scheduleRemoval(id, state);
        });
        return ended;
      },
    };
  }

  #scheduleRemoval(id: SiteId, state: SiteState): void {
    if (state.inEnvironment.size > 0 || state.removal !== null) return;
    state.removal = setTimeout(() => {
      void state.lock.runExclusive(async () => {
        state.removal = null;
        if (state.inEnvironment.size > 0) return;
        try {
          await this.#deps.runtime.removeEnvironment(id);
          const isUnused = state.inEnvironment.size === 0 && state.sftpSessions.size === 0;
          if (isUnused && this.#sites.get(id) === state) this.#sites.delete(id);
        } catch (error) {
          this.#deps.log.warn({ err: error, siteId: id }, "could not remove a site's idle terminal environment");
        }
      });
    }, this.#deps.idleRemovalMs ?? defaultIdleRemovalMs);
    // A pending removal must not keep a stopping orchestrator alive (closeAll removes it anyway).
    state.removal.unref();
  }
}
