/**
 * One terminal's connection: a WebSocket that carries keystrokes and output as binary frames and the protocol's
 * JSON messages as text frames (terminal-protocol.ts). It pings while open, follows the terminal's size, reconnects
 * by itself after a dropped connection (a few times, waiting longer each time) and otherwise waits for the person.
 */
import type { TerminalClientMessage, TerminalServerMessage } from "@director/contracts/manager-workspace";
import { terminalCloseCodes } from "@director/contracts/manager-workspace";
import {
  abnormalCloseCode,
  clampSize,
  endMessageOf,
  maxAutomaticReconnects,
  parseServerMessage,
  reconnectDelayMs,
  type TerminalPhase,
  type TerminalSize,
} from "./terminal-protocol";

/** The few WebSocket members the connection uses (the browser's WebSocket has them). */
export interface TerminalSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
}

export interface TerminalEvents {
  onOutput(bytes: Uint8Array): void;
  onPhase(phase: TerminalPhase): void;
  /** the manager closed the socket because the session ended */
  onSessionEnded(): void;
}

/** How often an open terminal says it is still there (the server answers `pong`). */
export const pingIntervalMs = 30_000;
const openState = 1;
const sizeKey = (size: TerminalSize) => `${size.cols}x${size.rows}`;

export class TerminalConnection {
  readonly #openSocket: (size: TerminalSize) => TerminalSocketLike;
  readonly #events: TerminalEvents;
  #socket: TerminalSocketLike | null = null;
  #size: TerminalSize = { cols: 80, rows: 24 };
  #sentSize = "";
  #lastSaid: TerminalServerMessage | null = null;
  #reconnects = 0;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  /** `openSocket` opens the socket for a terminal of the given size (terminal-protocol.ts's terminalUrl). */
  constructor(openSocket: (size: TerminalSize) => TerminalSocketLike, events: TerminalEvents) {
    this.#openSocket = openSocket;
    this.#events = events;
  }

  /** Connects now with a terminal of `size` (the first time, or when the person asks to reconnect). */
  connect(size: TerminalSize): void {
    this.#size = clampSize(size);
    this.#reconnects = 0;
    this.#cancelRetry();
    this.#open();
  }

  /** Keystrokes (or pasted text), as the bytes the shell reads. */
  sendInput(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.#socket?.readyState === openState) this.#socket.send(bytes);
  }

  /** The terminal's new size: sent at once when open, used for the next connection otherwise. */
  resize(size: TerminalSize): void {
    this.#size = clampSize(size);
    this.#sendSize();
  }

  /** Closes the connection for good (the tab was closed); nothing more is reported. */
  close(): void {
    this.#cancelRetry();
    this.#stopPing();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(terminalCloseCodes.exited);
  }

  #open(): void {
    this.#socket?.close(terminalCloseCodes.exited);
    this.#lastSaid = null;
    this.#sentSize = sizeKey(this.#size); // the address carries it
    this.#events.onPhase({ state: "connecting" });
    const socket = this.#openSocket(this.#size);
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#sendSize(); // the terminal may have been resized while connecting
      this.#startPing();
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      if (event.data instanceof ArrayBuffer) this.#events.onOutput(new Uint8Array(event.data));
      else if (typeof event.data === "string") this.#receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#stopPing();
      this.#closed(event.code);
    };
  }

  #receive(text: string): void {
    const message = parseServerMessage(text);
    if (message === null || message.type === "pong") return;
    if (message.type === "status") {
      if (message.state === "ready") this.#reconnects = 0; // a working session earns its retries back
      this.#events.onPhase({ state: message.state });
      return;
    }
    this.#lastSaid = message;
  }

  #closed(code: number): void {
    if (code === terminalCloseCodes.sessionEnded) this.#events.onSessionEnded();
    if (code === abnormalCloseCode && this.#reconnects < maxAutomaticReconnects) {
      this.#reconnects++;
      const attempt = this.#reconnects;
      this.#events.onPhase({ state: "reconnecting", attempt });
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#open();
      }, reconnectDelayMs(attempt));
      return;
    }
    this.#events.onPhase({ state: "ended", message: endMessageOf(code, this.#lastSaid) });
  }

  #sendSize(): void {
    const socket = this.#socket;
    const key = sizeKey(this.#size);
    if (socket?.readyState !== openState || key === this.#sentSize) return;
    this.#sentSize = key;
    this.#sendMessage(socket, { type: "resize", ...this.#size });
  }

  #sendMessage(socket: TerminalSocketLike, message: TerminalClientMessage): void {
    socket.send(JSON.stringify(message));
  }

  #startPing(): void {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      const socket = this.#socket;
      if (socket?.readyState === openState) this.#sendMessage(socket, { type: "ping" });
    }, pingIntervalMs);
  }

  #stopPing(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
  }

  #cancelRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
