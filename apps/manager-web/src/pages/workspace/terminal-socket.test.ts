import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TerminalPhase, TerminalSize } from "./terminal-protocol";
import { pingIntervalMs, TerminalConnection, type TerminalSocketLike } from "./terminal-socket";

class FakeSocket implements TerminalSocketLike {
  binaryType = "blob";
  readyState = 0;
  readonly sent: Array<string | Uint8Array> = [];
  closedWith: number | undefined = undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly size: TerminalSize) {}
  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  say(message: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(message) }));
  }
  output(text: string): void {
    this.onmessage?.(new MessageEvent("message", { data: new TextEncoder().encode(text).buffer }));
  }
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  texts(): unknown[] {
    return this.sent.filter((data): data is string => typeof data === "string").map((data) => JSON.parse(data));
  }
}

describe("TerminalConnection", () => {
  let sockets: FakeSocket[];
  let phases: TerminalPhase[];
  let output: string;
  let sessionEnds: number;
  let connection: TerminalConnection;
  const socket = () => sockets.at(-1) as FakeSocket;
  const lastPhase = () => phases.at(-1);

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    phases = [];
    output = "";
    sessionEnds = 0;
    connection = new TerminalConnection(
      (size) => {
        const opened = new FakeSocket(size);
        sockets.push(opened);
        return opened;
      },
      {
        onOutput: (bytes) => {
          output += new TextDecoder().decode(bytes);
        },
        onPhase: (phase) => phases.push(phase),
        onSessionEnded: () => sessionEnds++,
      },
    );
  });
  afterEach(() => {
    connection.close();
    vi.useRealTimers();
  });

  it("opens a binary socket of the terminal's size and follows the server's status", () => {
    connection.connect({ cols: 100, rows: 30 });
    expect(socket().size).toEqual({ cols: 100, rows: 30 });
    expect(socket().binaryType).toBe("arraybuffer");
    socket().open();
    socket().say({ type: "status", state: "starting" });
    socket().say({ type: "status", state: "ready" });
    expect(phases).toEqual([{ state: "connecting" }, { state: "starting" }, { state: "ready" }]);
  });

  it("passes output on and sends keystrokes as binary frames", () => {
    connection.connect({ cols: 80, rows: 24 });
    socket().open();
    socket().output("$ ");
    connection.sendInput(new TextEncoder().encode("ls\r"));
    expect(output).toBe("$ ");
    expect(socket().sent).toEqual([new TextEncoder().encode("ls\r")]);
  });

  it("sends a resize only when the size changed, and the size changed while connecting once open", () => {
    connection.connect({ cols: 80, rows: 24 });
    connection.resize({ cols: 90, rows: 24 });
    socket().open();
    connection.resize({ cols: 90, rows: 24 });
    connection.resize({ cols: 90, rows: 40 });
    expect(socket().texts()).toEqual([
      { type: "resize", cols: 90, rows: 24 },
      { type: "resize", cols: 90, rows: 40 },
    ]);
  });

  it("pings every 30 seconds while open", () => {
    connection.connect({ cols: 80, rows: 24 });
    socket().open();
    vi.advanceTimersByTime(pingIntervalMs * 2);
    expect(socket().texts()).toEqual([{ type: "ping" }, { type: "ping" }]);
    socket().drop(1000);
    vi.advanceTimersByTime(pingIntervalMs);
    expect(socket().texts()).toHaveLength(2);
  });

  it("says the shell's exit status and waits for the person", () => {
    connection.connect({ cols: 80, rows: 24 });
    socket().open();
    socket().say({ type: "exit", code: 3 });
    socket().drop(1000);
    expect(lastPhase()).toEqual({ state: "ended", message: "Shell exited with code 3." });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("does not reconnect by itself after a refusal, and tells the page when the session ended", () => {
    connection.connect({ cols: 80, rows: 24 });
    socket().drop(4401);
    expect(lastPhase()).toEqual({ state: "ended", message: "Session ended, log in again." });
    expect(sessionEnds).toBe(1);
    connection.connect({ cols: 80, rows: 24 });
    socket().drop(4403);
    expect(lastPhase()).toEqual({ state: "ended", message: "You no longer have access to this site." });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
  });

  it("reconnects after a dropped connection three times, waiting longer each time, then stops", () => {
    connection.connect({ cols: 80, rows: 24 });
    for (const [attempt, delay] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
    ] as const) {
      socket().drop(1006);
      expect(lastPhase()).toEqual({ state: "reconnecting", attempt });
      vi.advanceTimersByTime(delay - 1);
      expect(sockets).toHaveLength(attempt);
      vi.advanceTimersByTime(1);
      expect(sockets).toHaveLength(attempt + 1);
    }
    socket().drop(1006);
    expect(lastPhase()).toEqual({ state: "ended", message: "The connection to the terminal was lost." });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(4);
  });

  it("earns its retries back once a reconnected terminal is ready", () => {
    connection.connect({ cols: 80, rows: 24 });
    socket().drop(1006);
    vi.advanceTimersByTime(1000);
    socket().open();
    socket().say({ type: "status", state: "ready" });
    socket().drop(1006);
    expect(lastPhase()).toEqual({ state: "reconnecting", attempt: 1 });
  });

  it("closes quietly when the tab closes, also during a wait to reconnect", () => {
    connection.connect({ cols: 80, rows: 24 });
    socket().open();
    connection.close();
    expect(socket().closedWith).toBe(1000);
    const before = phases.length;
    connection.connect({ cols: 80, rows: 24 });
    socket().drop(1006);
    connection.close();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(2);
    expect(phases.slice(before)).toEqual([{ state: "connecting" }, { state: "reconnecting", attempt: 1 }]);
  });
});
