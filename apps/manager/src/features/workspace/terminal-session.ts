import { type TerminalServerMessage, terminalCloseCodes } from "@director/contracts/manager-workspace";
import { terminalControlMessageSchema } from "@director/contracts/orchestrator-terminals";
import { isDirectorError } from "@director/domain/errors";
import { parseJsonFrame, rawDataToBuffer } from "@director/http-kit/ws-data";
import type { Logger } from "pino";
import type { RawData, WebSocket } from "ws";

/** What a terminal session needs: the shell's socket, and how to tell whether its person may still use it. */
export interface TerminalSessionDeps {
  /** opens the orchestrator's terminal socket for this site (after the open request is sent) */
  openShell(): Promise<WebSocket>;
  /** "ok", or why the person may no longer use this terminal: their session ended, or their access to the site */
  checkAccess(): Promise<"ok" | "session-ended" | "access-lost">;
  /** calls back when access to the site changed (a member removed, the site disabled); returns the stop */
  onAccessChange(listener: () => void): () => void;
  /** no keystroke and no output for this long closes the terminal */
  idleTimeoutMs: number;
  /** the longest the terminal stays open */
  maxDurationMs: number;
  /** how often access is checked again when nothing announced a change */
  recheckMs: number;
  log: Logger;
}

/** Keystrokes typed before the shell is ready are kept, up to this much. */
const maxEarlyInputBytes = 64 * 1024;
/** The browser's unsent output past this pauses the shell's output (a slow connection must not fill our memory). */
const maxBufferedBytes = 1024 * 1024;
const policyViolation = 1008;

/**
 * One browser terminal, relayed to a shell on the orchestrator. The browser's keystrokes and the shell's output pass
 * unchanged; control messages are checked here. It closes when the shell ends, when it has been idle or open too
 * long, and as soon as its person may no longer use it (logged out or disabled: LiveSessions closes it; removed
 * from the site or the site disabled: the access change is checked at once; otherwise every `recheckMs`).
 */
export class TerminalSession {
  readonly #browser: WebSocket;
  readonly #deps: TerminalSessionDeps;
  #shell: WebSocket | null = null;
  #isClosed = false;
  #early: Buffer[] = [];
  #earlyBytes = 0;
  #pendingResize: { cols: number; rows: number } | null = null;
  /** the caller ended the input before the shell was there (`eof`): sent on once it is */
  #isInputEnded = false;
  #idle: NodeJS.Timeout | null = null;
  readonly #deadline: NodeJS.Timeout;
  readonly #recheck: NodeJS.Timeout;
  readonly #stopAccessWatch: () => void;
  #isChecking = false;

  constructor(browser: WebSocket, deps: TerminalSessionDeps) {
    this.#browser = browser;
    this.#deps = deps;
    browser.on("message", (data, isBinary) => this.#fromBrowser(data, isBinary));
    browser.on("close", () => this.#end());
    browser.on("error", () => this.#end());
    this.#touch();
    this.#deadline = setTimeout(
      () => this.close(terminalCloseCodes.timedOut, "This terminal was open for as long as allowed; reconnect."),
      deps.maxDurationMs,
    );
    this.#recheck = setInterval(() => void this.#checkAccess(), deps.recheckMs);
    this.#stopAccessWatch = deps.onAccessChange(() => void this.#checkAccess());
    void this.#start();
  }

  /** Closes the terminal with a reason the page shows (an `error` message first for the application's codes). */
  close(code: number, reason: string): void {
    if (this.#isClosed) return;
    if (code >= 4000) this.#send({ type: "error", code: errorCodeOf(code), message: reason });
    this.#browser.close(code, reason.slice(0, 120));
    this.#end();
  }

  async #start(): Promise<void> {
    let shell: WebSocket;
    try {
      shell = await this.#deps.openShell();
    } catch (error) {
      this.#deps.log.warn({ err: error }, "a terminal could not reach the orchestrator");
      const code = isDirectorError(error) ? error.code : "COMPONENT_UNREACHABLE";
      const message = isDirectorError(error) ? error.message : "The terminal service is not answering; try again.";
      this.#send({ type: "error", code, message });
      this.#browser.close(terminalCloseCodes.failed, code);
      this.#end();
      return;
    }
    if (this.#isClosed) {
      shell.close();
      return;
    }
    this.#shell = shell;
    shell.on("message", (data, isBinary) => this.#fromShell(data, isBinary));
    shell.on("close", (code, reason) => this.#shellClosed(code, reason.toString()));
    for (const bytes of this.#early.splice(0)) shell.send(bytes, { binary: true });
    this.#earlyBytes = 0;
    if (this.#pendingResize !== null) shell.send(JSON.stringify({ type: "resize", ...this.#pendingResize }));
    if (this.#isInputEnded) shell.send(JSON.stringify({ type: "eof" }));
  }

  #fromBrowser(data: RawData, isBinary: boolean): void {
    if (this.#isClosed) return;
    if (isBinary) {
      this.#touch();
      const bytes = rawDataToBuffer(data);
      if (this.#shell !== null) {
        this.#shell.send(bytes, { binary: true });
      } else if (this.#earlyBytes + bytes.length <= maxEarlyInputBytes) {
        this.#early.push(bytes);
        this.#earlyBytes += bytes.length;
      }
      return;
    }
    const control = parseJsonFrame(terminalControlMessageSchema, data.toString());
    if (control === null) {
      this.#send({ type: "error", code: "VALIDATION_FAILED", message: "A text frame must be a resize or a ping." });
      this.#browser.close(policyViolation, "not a terminal message");
      this.#end();
      return;
    }
    // A ping keeps the connection alive through proxies; it does not count as activity (an open tab is not a person).
    if (control.type === "ping") this.#send({ type: "pong" });
    else if (this.#shell !== null) this.#shell.send(JSON.stringify(control));
    else if (control.type === "eof") this.#isInputEnded = true;
    else this.#pendingResize = { cols: control.cols, rows: control.rows };
  }

  #fromShell(data: RawData, isBinary: boolean): void {
    if (this.#isClosed) return;
    if (isBinary) {
      this.#touch();
      this.#browser.send(rawDataToBuffer(data), { binary: true });
      if (this.#browser.bufferedAmount > maxBufferedBytes) this.#pauseShellUntilDrained();
      return;
    }
    // The orchestrator's messages are the browser's (status, exit, error): passed on as they are.
    this.#browser.send(data.toString());
  }

  #shellClosed(code: number, reason: string): void {
    if (this.#isClosed) return;
    if (code === terminalCloseCodes.exited || code === terminalCloseCodes.failed) {
      this.#browser.close(code, reason);
    } else {
      this.#send({ type: "error", code: "COMPONENT_UNREACHABLE", message: "The terminal's connection was lost." });
      this.#browser.close(terminalCloseCodes.failed, "COMPONENT_UNREACHABLE");
    }
    this.#end();
  }

  #pauseShellUntilDrained(): void {
    const shell = this.#shell;
    if (shell === null || shell.isPaused) return;
    shell.pause();
    const wait = setInterval(() => {
      if (this.#isClosed || this.#browser.bufferedAmount <= maxBufferedBytes / 2) {
        clearInterval(wait);
        if (!this.#isClosed) shell.resume();
      }
    }, 20);
  }

  async #checkAccess(): Promise<void> {
    if (this.#isClosed || this.#isChecking) return;
    this.#isChecking = true;
    try {
      const verdict = await this.#deps.checkAccess();
      if (verdict === "session-ended") this.close(terminalCloseCodes.sessionEnded, "Your session ended; log in again.");
      if (verdict === "access-lost") {
        this.close(terminalCloseCodes.accessLost, "You no longer have access to this site's terminal.");
      }
    } catch (error) {
      // A database that does not answer does not end a terminal; the next check tries again.
      this.#deps.log.warn({ err: error }, "could not check a terminal's access");
    } finally {
      this.#isChecking = false;
    }
  }

  #touch(): void {
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = setTimeout(
      () => this.close(terminalCloseCodes.timedOut, "This terminal was idle for too long; reconnect to go on."),
      this.#deps.idleTimeoutMs,
    );
  }

  #send(message: TerminalServerMessage): void {
    if (this.#browser.readyState === this.#browser.OPEN) this.#browser.send(JSON.stringify(message));
  }

  #end(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    if (this.#idle !== null) clearTimeout(this.#idle);
    clearTimeout(this.#deadline);
    clearInterval(this.#recheck);
    this.#stopAccessWatch();
    this.#early = [];
    // Closing the orchestrator's socket hangs up the shell there.
    this.#shell?.close();
    if (this.#browser.readyState === this.#browser.OPEN) this.#browser.close(terminalCloseCodes.exited, "closed");
  }
}

/** The stable error code the page shows with each application close code. */
function errorCodeOf(code: number): string {
  switch (code) {
    case terminalCloseCodes.sessionEnded:
      return "AUTH_REQUIRED";
    case terminalCloseCodes.accessLost:
      return "SITE_ACCESS_LOST";
    case terminalCloseCodes.timedOut:
      return "TERMINAL_TIMED_OUT";
    case terminalCloseCodes.limitReached:
      return "TERMINAL_LIMIT";
    default:
      return "TERMINAL_FAILED";
  }
}
