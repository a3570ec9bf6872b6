import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveChannel, type LiveSocket, watchListOf } from "./live";

/**
 * Fake of the browser's WebSocket (Node 20 has none): records what is sent and lets the test play the manager.
 * The real socket against the real manager is exercised by e2e/web-sites.e2e.test.ts in Chromium.
 */
class FakeBrowserSocket implements LiveSocket {
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  isClosed = false;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.isClosed = true;
  }
  opened() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(message: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(message) }));
  }
  dropped(code = 1006) {
    this.readyState = 3;
    // Node 20 has no CloseEvent: the fields the channel reads
    this.onclose?.({ code } as CloseEvent);
  }
}

describe("watchListOf", () => {
  it("joins the followers' sites without repeats, at most 100", () => {
    expect(watchListOf([{ sites: ["a", "b"] }, { sites: ["b", "c"] }])).toEqual(["a", "b", "c"]);
    const many = Array.from({ length: 150 }, (_, i) => `s${i}`);
    expect(watchListOf([{ sites: many }])).toHaveLength(100);
  });
});

describe("LiveChannel", () => {
  let sockets: FakeBrowserSocket[];
  let sessionEnded: number;
  let channel: LiveChannel;
  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    sessionEnded = 0;
    channel = new LiveChannel(
      () => {
        const socket = new FakeBrowserSocket();
        sockets.push(socket);
        return socket;
      },
      () => {
        sessionEnded++;
      },
    );
  });
  afterEach(() => vi.useRealTimers());

  it("sends the union once open, and hands each message only to the followers of its site", () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    channel.follow(["a"], (message) => first.push(message));
    channel.follow(["a", "b"], (message) => second.push(message));
    expect(sockets).toHaveLength(1);
    const socket = sockets[0] as FakeBrowserSocket;
    expect(socket.sent).toEqual([]); // nothing before it opens
    socket.opened();
    expect(socket.sent).toEqual([{ type: "watch", sites: ["a", "b"] }]);
    socket.receive({ type: "unavailable", site: "b" });
    socket.receive({ type: "process", site: "a", status: { state: "running", message: "" } });
    expect(first).toEqual([{ type: "process", site: "a", status: { state: "running", message: "" } }]);
    expect(second).toHaveLength(2);
  });

  it("sends a new list when a follower stops, and closes the idle socket after a while", () => {
    const stopA = channel.follow(["a"], () => {});
    const stopB = channel.follow(["b"], () => {});
    const socket = sockets[0] as FakeBrowserSocket;
    socket.opened();
    stopB();
    expect(socket.sent.at(-1)).toEqual({ type: "watch", sites: ["a"] });
    stopA();
    expect(socket.sent.at(-1)).toEqual({ type: "watch", sites: [] });
    vi.advanceTimersByTime(10_000);
    expect(socket.isClosed).toBe(true);
  });

  it("opens again with a growing delay after a drop and sends the list again", () => {
    channel.follow(["a"], () => {});
    (sockets[0] as FakeBrowserSocket).opened();
    (sockets[0] as FakeBrowserSocket).dropped();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    (sockets[1] as FakeBrowserSocket).dropped(); // never opened: the next wait is longer
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    const third = sockets[2] as FakeBrowserSocket;
    third.opened();
    expect(third.sent).toEqual([{ type: "watch", sites: ["a"] }]);
  });

  it("opens a new socket on restart (a new session), and ignores the old one's close", () => {
    const received: unknown[] = [];
    channel.follow(["a"], (message) => received.push(message));
    const first = sockets[0] as FakeBrowserSocket;
    first.opened();
    channel.restart();
    expect(first.isClosed).toBe(true);
    const second = sockets[1] as FakeBrowserSocket;
    expect(second).toBeDefined();
    first.dropped(4401); // the old session's end is not this one's
    expect(sessionEnded).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
    second.opened();
    expect(second.sent).toEqual([{ type: "watch", sites: ["a"] }]);
  });

  it("tells the app when the manager says the session ended, and stops retrying once nobody follows", () => {
    const stop = channel.follow(["a"], () => {});
    (sockets[0] as FakeBrowserSocket).opened();
    (sockets[0] as FakeBrowserSocket).dropped(4401);
    expect(sessionEnded).toBe(1);
    stop(); // the login page replaced the site pages
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
