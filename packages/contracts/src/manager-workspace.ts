/**
 * The workspace's two live connections, as the browser and the manager speak them. No zod here: the web app imports
 * this file at run time (the manager checks what it receives with its own schemas, features/workspace/).
 *
 * **Terminal** — `GET /api/sites/:name/terminal?cols=80&rows=24`, a WebSocket. A shell in the site's own environment
 * (its image, `/site`, its account, limits and variables), starting in `/site`.
 * - browser → manager: binary frames are keystrokes (raw bytes); text frames are one JSON `TerminalClientMessage`.
 * - manager → browser: binary frames are the terminal's output; text frames are one JSON `TerminalServerMessage`.
 * - It closes with one of `terminalCloseCodes`; an `error` or `exit` message comes first when there is one to say.
 *
 * **File events** — `GET /api/sites/:name/file-events?folder=public&folder=`, Server-Sent Events. The folders (paths
 * relative to the site, "" for the site itself; at most `maxWatchedFolders`) are watched, not their subfolders:
 * `event: change`, data `FileEventData`, soon after anything in one of them is made, changed, renamed or removed;
 * `event: gone` when a watched folder itself is removed or replaced; `event: ready` once every folder is watched.
 * A page watches the folders it shows open and connects again with the new list when that changes.
 */

/** Terminal size bounds; a resize outside them is refused. */
export const terminalSizeBounds = { cols: { min: 2, max: 500 }, rows: { min: 1, max: 200 } } as const;

/** Browser → manager (text frames). A `ping` keeps an idle-looking session open and is answered by `pong`. */
export type TerminalClientMessage = { type: "resize"; cols: number; rows: number } | { type: "ping" };

/** Manager → browser (text frames). */
export type TerminalServerMessage =
  /** starting: the site's terminal environment is being prepared (a container starts); ready: type away */
  | { type: "status"; state: "starting" | "ready" }
  | { type: "pong" }
  /** the shell ended; `code` its exit status (null when it was killed) */
  | { type: "exit"; code: number | null }
  /** the terminal could not start or broke; `code` is a stable error code, `message` says what to do */
  | { type: "error"; code: string; message: string };

/** Close codes of the terminal socket (4000–4999 are the application's). Reconnect only after `failed` or 1006. */
export const terminalCloseCodes = {
  /** the shell exited (an `exit` message came first) */
  exited: 1000,
  /** the session ended or the account was disabled: log in again */
  sessionEnded: 4401,
  /** the person may no longer use this site's terminal (removed member, site disabled or deleted) */
  accessLost: 4403,
  /** idle past the idle limit, or open past the longest session allowed */
  timedOut: 4408,
  /** too many terminals open for this account or in all */
  limitReached: 4429,
  /** the terminal could not start or broke (an `error` message came first) */
  failed: 4500,
} as const;

/** Folders one file-events connection may watch. */
export const maxWatchedFolders = 64;

/** The data of a file event: the watched folder it happened in ("" is the site directory). */
export interface FileEventData {
  folder: string;
}
