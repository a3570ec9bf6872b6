/**
 * The manager's live channel (`/ws`, packages/contracts/src/manager-live.ts): one WebSocket per tab, shared by
 * every part of the page that follows sites. Each follower says which sites it shows; the channel sends the
 * manager the union and hands each message to the followers of its site. A dropped connection is opened again
 * with a growing delay, and the list is sent again, which brings every site's current state back. Without
 * followers the socket closes after a short while.
 */

import type { LiveClientMessage, LiveServerMessage } from "@director/contracts/manager-live";
import { managerPaths } from "@director/contracts/manager-paths";

export type LiveMessage = LiveServerMessage;
type SiteMessage = Exclude<LiveServerMessage, { type: "error" }>;

/** The few WebSocket members the channel uses (the browser's WebSocket has them). */
export interface LiveSocket {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
}

/** The manager closes with this when the session has ended (contracts: liveCloseCodes.sessionEnded). */
const sessionEndedCode = 4401;
const maxSites = 100;
const retryDelaysMs = [1000, 2000, 5000, 10_000];
/** A page that stops following keeps the socket this long, so that moving between pages does not reconnect. */
const idleCloseMs = 10_000;
const openState = 1;

interface Follower {
  sites: readonly string[];
  onMessage(message: SiteMessage): void;
}

/** The union of what followers show, without repeats, at most `maxSites` (the manager's limit). */
export function watchListOf(followers: Iterable<{ sites: readonly string[] }>): string[] {
  const names = new Set<string>();
  for (const follower of followers) for (const name of follower.sites) names.add(name);
  return [...names].slice(0, maxSites);
}

export class LiveChannel {
  readonly #openSocket: () => LiveSocket;
  readonly #onSessionEnded: () => void;
  readonly #followers = new Set<Follower>();
  #socket: LiveSocket | null = null;
  #failures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #lastSent = "";

  constructor(openSocket: () => LiveSocket, onSessionEnded: () => void) {
    this.#openSocket = openSocket;
    this.#onSessionEnded = onSessionEnded;
  }

  /** Follows `sites`: `onMessage` gets their operations, process states and unavailability. Returns the stop. */
  follow(sites: readonly string[], onMessage: (message: SiteMessage) => void): () => void {
    const follower: Follower = { sites, onMessage };
    this.#followers.add(follower);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (this.#socket === null && this.#retryTimer === null) this.#open();
    else this.#sendWatchList();
    return () => {
      this.#followers.delete(follower);
      this.#sendWatchList();
      if (this.#followers.size === 0) this.#idleTimer = setTimeout(() => this.#closeIdle(), idleCloseMs);
    };
  }

  /**
   * Opens a new socket, for a new session: the old one keeps the session it was opened with until the manager's
   * next check, and on a shared computer the next person must never follow sites with the previous one's rights.
   */
  restart(): void {
    const socket = this.#socket;
    this.#socket = null; // its close is no longer ours to act on
    socket?.close();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#failures = 0;
    if (this.#followers.size > 0) this.#open();
  }

  #open(): void {
    const socket = this.#openSocket();
    this.#socket = socket;
    this.#lastSent = "";
    socket.onopen = () => {
      this.#failures = 0;
      this.#sendWatchList();
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      const message = JSON.parse(event.data) as LiveServerMessage;
      if (message.type === "error") return; // only a malformed list gets one: a bug here, nothing a person can do
      for (const follower of this.#followers) {
        if (follower.sites.includes(message.site)) follower.onMessage(message);
      }
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      // The app asks the manager who is logged in: a new session (logged in again) carries on, an ended one
      // goes to the login page, which unmounts the followers and so ends the retries too.
      if (event.code === sessionEndedCode) this.#onSessionEnded();
      if (this.#followers.size === 0) return;
      const delay = retryDelaysMs[Math.min(this.#failures, retryDelaysMs.length - 1)] ?? 10_000;
      this.#failures++;
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        if (this.#followers.size > 0) this.#open();
      }, delay);
    };
  }

  #sendWatchList(): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== openState) return; // sent on open
    const message: LiveClientMessage = { type: "watch", sites: watchListOf(this.#followers) };
    const text = JSON.stringify(message);
    if (text === this.#lastSent) return;
    this.#lastSent = text;
    socket.send(text);
  }

  #closeIdle(): void {
    this.#idleTimer = null;
    if (this.#followers.size > 0) return;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close();
  }
}

/** The channel of this tab, on the page's own host (wss: under https). */
export function createLiveChannel(onSessionEnded: () => void): LiveChannel {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return new LiveChannel(
    () => new WebSocket(`${scheme}//${window.location.host}${managerPaths.platform.live.path}`),
    onSessionEnded,
  );
}
