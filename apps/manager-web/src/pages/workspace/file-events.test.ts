import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type EventSourceLike,
  type FileEventHandlers,
  FileEventsFollower,
  fileEventsUrl,
  folderOfEvent,
  watchedFoldersOf,
} from "./file-events";

describe("watchedFoldersOf", () => {
  it("watches the site directory first, then the shown folders shallowest first", () => {
    expect(watchedFoldersOf(["public/css", "private", "public"])).toEqual(["", "private", "public", "public/css"]);
    expect(watchedFoldersOf([])).toEqual([""]);
  });
  it("leaves out an expanded folder whose parent is collapsed (it is not shown)", () => {
    expect(watchedFoldersOf(["public/css"])).toEqual([""]);
  });
  it("stops at 64 folders, leaving out the deepest", () => {
    const deep = Array.from({ length: 70 }, (_, index) => `public/f${String(index).padStart(2, "0")}`);
    const watched = watchedFoldersOf(["public", ...deep]);
    expect(watched).toHaveLength(64);
    expect(watched.slice(0, 3)).toEqual(["", "public", "public/f00"]);
  });
});

describe("fileEventsUrl", () => {
  it("repeats `folder` for each folder, the site directory as an empty value", () => {
    expect(fileEventsUrl("blog", ["", "public", "public/my css"])).toBe(
      "/api/sites/blog/file-events?folder=&folder=public&folder=public%2Fmy+css",
    );
  });
});

describe("folderOfEvent", () => {
  it("reads the folder of an event's data and nothing else", () => {
    expect(folderOfEvent('{"folder":"public"}')).toBe("public");
    expect(folderOfEvent('{"folder":""}')).toBe("");
    expect(folderOfEvent("{}")).toBeNull();
    expect(folderOfEvent("nope")).toBeNull();
    expect(folderOfEvent(undefined)).toBeNull();
  });
});

class FakeSource implements EventSourceLike {
  readyState = 0;
  isClosed = false;
  readonly listeners = new Map<string, Array<(event: Event) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.isClosed = true;
    this.readyState = 2;
  }
  emit(type: string, event: Event): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  send(type: string, data: unknown): void {
    this.emit(type, new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

describe("FileEventsFollower", () => {
  let sources: FakeSource[];
  let seen: string[];
  let follower: FileEventsFollower;
  const handlers: FileEventHandlers = {
    onReady: (unwatchedBefore) => seen.push(`ready ${JSON.stringify(unwatchedBefore)}`),
    onChange: (folder) => seen.push(`change ${folder}`),
    onGone: (folder) => seen.push(`gone ${folder}`),
    onLiveChange: (isLive) => seen.push(isLive ? "live" : "not live"),
  };
  const last = () => sources.at(-1) as FakeSource;

  beforeEach(() => {
    vi.useFakeTimers();
    sources = [];
    seen = [];
    follower = new FileEventsFollower(
      (url) => {
        const source = new FakeSource(url);
        sources.push(source);
        return source;
      },
      "blog",
      handlers,
    );
  });
  afterEach(() => {
    follower.stop();
    vi.useRealTimers();
  });

  it("connects at once the first time and passes the events on", () => {
    follower.watch([""]);
    expect(sources).toHaveLength(1);
    last().send("ready", {});
    last().send("change", { folder: "public" });
    last().send("gone", { folder: "public/old" });
    expect(seen).toEqual(["live", 'ready [""]', "change public", "gone public/old"]);
  });

  it("reconnects once with the new list after the changes settle, closing the old stream", () => {
    follower.watch([""]);
    follower.watch(["", "public"]);
    follower.watch(["", "public", "public/css"]);
    vi.advanceTimersByTime(299);
    expect(sources).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sources).toHaveLength(2);
    expect(last().url).toBe("/api/sites/blog/file-events?folder=&folder=public&folder=public%2Fcss");
  });

  it("has only the newly watched folders read again after a reconnection for a new list", () => {
    follower.watch(["", "public"]);
    last().send("ready", {});
    follower.watch(["", "public", "public/css"]);
    vi.advanceTimersByTime(300);
    last().send("ready", {});
    expect(seen).toEqual(["live", 'ready ["","public"]', "live", 'ready ["public/css"]']);
  });

  it("does not reconnect when the list comes back to what is watched", () => {
    follower.watch([""]);
    follower.watch(["", "public"]);
    follower.watch([""]);
    vi.advanceTimersByTime(1000);
    expect(sources).toHaveLength(1);
  });

  it("keeps the replaced stream until the new one is ready, so that no change is missed in between", () => {
    follower.watch([""]);
    const old = last();
    follower.watch(["", "public"]);
    vi.advanceTimersByTime(300);
    expect(old.isClosed).toBe(false);
    old.send("change", { folder: "" });
    last().send("ready", {});
    expect(old.isClosed).toBe(true);
    old.send("change", { folder: "late" });
    expect(seen).toEqual(["change ", "live", 'ready ["","public"]']);
  });

  it("stays down after a refusal until asked to reconnect", () => {
    follower.watch([""]);
    last().readyState = 2;
    last().emit("error", new Event("error"));
    expect(seen).toEqual(["not live"]);
    follower.watch([""]);
    vi.advanceTimersByTime(1000);
    expect(sources).toHaveLength(1);
    follower.reconnect();
    expect(sources).toHaveLength(2);
  });

  it("lets the browser retry a dropped connection by itself", () => {
    follower.watch([""]);
    last().emit("error", new Event("error"));
    expect(last().isClosed).toBe(false);
    last().send("ready", {});
    expect(seen).toEqual(["not live", "live", 'ready [""]']);
  });
});
