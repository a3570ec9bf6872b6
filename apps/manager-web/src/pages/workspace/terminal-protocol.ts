/**
 * The terminal socket's protocol as the page reads it (packages/contracts/src/manager-workspace.ts): its address,
 * the server's text messages, and what each way of closing means to the person in front of it.
 */
import { managerPaths } from "@director/contracts/manager-paths";
import {
  type TerminalServerMessage,
  terminalCloseCodes,
  terminalSizeBounds,
} from "@director/contracts/manager-workspace";
import { routePath } from "@director/contracts/route";

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** What a terminal tab shows about its connection. */
export type TerminalPhase =
  | { state: "connecting" }
  /** the site's terminal environment is being prepared */
  | { state: "starting" }
  | { state: "ready" }
  /** the connection dropped; trying again by itself */
  | { state: "reconnecting"; attempt: number }
  /** closed for good until the person reconnects; `message` says why */
  | { state: "ended"; message: string };

/** The close code a browser reports when the connection dropped without a closing handshake (RFC 6455 §7.1.5). */
export const abnormalCloseCode = 1006;
/** Automatic reconnections after an abnormal close before the terminal waits for the person. */
export const maxAutomaticReconnects = 3;

/** The wait before automatic reconnection `attempt` (1, 2, 3): 1 s, 2 s, 4 s. */
export function reconnectDelayMs(attempt: number): number {
  return 1000 * 2 ** (attempt - 1);
}

/** `size` within the bounds the server accepts. */
export function clampSize(size: TerminalSize): TerminalSize {
  const clamp = (value: number, bounds: { min: number; max: number }) =>
    Math.min(bounds.max, Math.max(bounds.min, Math.floor(value)));
  return { cols: clamp(size.cols, terminalSizeBounds.cols), rows: clamp(size.rows, terminalSizeBounds.rows) };
}

/** The socket's address on the page's own host (wss: under https). */
export function terminalUrl(page: { protocol: string; host: string }, siteName: string, size: TerminalSize): string {
  const scheme = page.protocol === "https:" ? "wss:" : "ws:";
  const { cols, rows } = clampSize(size);
  const path = routePath(managerPaths.workspace.terminal, { name: siteName });
  return `${scheme}//${page.host}${path}?cols=${cols}&rows=${rows}`;
}

/** A text frame from the server, or null when it is not a message this page knows. */
export function parseServerMessage(text: string): TerminalServerMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const message = parsed as Record<string, unknown>;
  switch (message.type) {
    case "status":
      return message.state === "starting" || message.state === "ready"
        ? { type: "status", state: message.state }
        : null;
    case "pong":
      return { type: "pong" };
    case "exit":
      return { type: "exit", code: typeof message.code === "number" ? message.code : null };
    case "error":
      return typeof message.code === "string" && typeof message.message === "string"
        ? { type: "error", code: message.code, message: message.message }
        : null;
    default:
      return null;
  }
}

/**
 * Why the terminal closed, in one line: what the server said last (an exit status, an error) comes first, then the
 * meaning of the close code.
 */
export function endMessageOf(closeCode: number, lastSaid: TerminalServerMessage | null): string {
  if (lastSaid?.type === "exit") {
    return lastSaid.code === null ? "The shell was stopped." : `Shell exited with code ${lastSaid.code}.`;
  }
  if (lastSaid?.type === "error") return lastSaid.message;
  switch (closeCode) {
    case terminalCloseCodes.exited:
      return "The shell exited.";
    case terminalCloseCodes.sessionEnded:
      return "Session ended, log in again.";
    case terminalCloseCodes.accessLost:
      return "You no longer have access to this site.";
    case terminalCloseCodes.timedOut:
      return "The terminal was closed: it was idle or open for too long.";
    case terminalCloseCodes.limitReached:
      return "Too many terminals are open. Close one, then reconnect.";
    case terminalCloseCodes.failed:
      return "The terminal could not start or stopped working.";
    case abnormalCloseCode:
      return "The connection to the terminal was lost.";
    default:
      return `The terminal closed (code ${closeCode}).`;
  }
}

/** The lowest terminal number not in use: tabs are "Terminal 1", "Terminal 2", … and a closed one's number comes back. */
export function nextTerminalNumber(used: Iterable<number>): number {
  const taken = new Set(used);
  let number = 1;
  while (taken.has(number)) number++;
  return number;
}
