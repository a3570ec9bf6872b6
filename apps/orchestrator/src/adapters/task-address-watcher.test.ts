import { PassThrough, type Readable } from "node:stream";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type SiteContainerEventSource,
  type SiteTaskAddresses,
  TaskAddressWatcher,
  type TaskAddressWatcherTiming,
} from "./task-address-watcher.js";

/**
 * A fake engine (in memory, not Docker): `addresses` is what runs now, `emit` writes an event line to the open
 * subscription, `failNextOpens` makes the next subscriptions fail as if the engine were down.
 */
class FakeSiteContainers implements SiteContainerEventSource, SiteTaskAddresses {
  readonly addresses = new Map<SiteId, string>();
  readonly streams: PassThrough[] = [];
  failNextOpens = 0;
  openCount = 0;
  lookupCount = 0;

  async open(): Promise<Readable> {
    this.openCount++;
    if (this.failNextOpens > 0) {
      this.failNextOpens--;
      throw new Error("connect ECONNREFUSED /var/run/docker.sock");
    }
    const stream = new PassThrough();
    this.streams.push(stream);
    return stream;
  }

  async addressOf(siteId: SiteId): Promise<string | null> {
    this.lookupCount++;
    return this.addresses.get(siteId) ?? null;
  }

  async runningAddresses(): Promise<Map<SiteId, string>> {
    return new Map(this.addresses);
  }

  emit(siteId: number, action: "start" | "die"): void {
    const line = JSON.stringify({
      Type: "container",
      Action: action,
      Actor: {
        ID: "c0ffee",
        Attributes: { "org.director.site-id": String(siteId), "org.director.installation": "lab1" },
      },
    });
    this.current().write(`${line}\n`);
  }

  current(): PassThrough {
    const stream = this.streams.at(-1);
    if (stream === undefined) throw new Error("no open subscription");
    return stream;
  }
}

const site = (id: number) => id as SiteId;
const timing: TaskAddressWatcherTiming = {
  debounceMs: 100,
  reconnectInitialDelayMs: 250,
  reconnectMaxDelayMs: 1_000,
  stableConnectionMs: 10_000,
};

let engine: FakeSiteContainers;
let changes: [number, string | null][];
let warnings: string[];
let watcher: TaskAddressWatcher;
let onChange: (siteId: SiteId, address: string | null) => Promise<void>;

function startWatcher(): TaskAddressWatcher {
  const log = {
    info: () => undefined,
    warn: (_o: object | string, m?: string) => warnings.push(m ?? ""),
    error: () => undefined,
  };
  watcher = new TaskAddressWatcher({
    installationId: "lab1" as InstallationId,
    events: engine,
    addresses: engine,
    onChange: (siteId, address) => onChange(siteId, address),
    log,
    timing,
  });
  watcher.start();
  return watcher;
}

beforeEach(() => {
  vi.useFakeTimers();
  engine = new FakeSiteContainers();
  changes = [];
  warnings = [];
  onChange = async (siteId, address) => {
    changes.push([siteId, address]);
  };
});

afterEach(async () => {
  await watcher?.stop();
  vi.useRealTimers();
});

describe("TaskAddressWatcher", () => {
  it("reports every running site once on start", async () => {
    engine.addresses.set(site(1), "10.0.9.2").set(site(2), "10.0.9.3");
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([
      [1, "10.0.9.2"],
      [2, "10.0.9.3"],
    ]);
  });

  it("turns a restart (die, then start) into one update with the new address, for that site only", async () => {
    engine.addresses.set(site(1), "10.0.9.2").set(site(2), "10.0.9.3");
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    changes = [];
    engine.emit(1, "die");
    engine.addresses.delete(site(1));
    await vi.advanceTimersByTimeAsync(50);
    engine.addresses.set(site(1), "10.0.9.7");
    engine.emit(1, "start");
    await vi.advanceTimersByTimeAsync(99);
    expect(changes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toEqual([[1, "10.0.9.7"]]);
    expect(engine.lookupCount).toBe(1);
  });

  it("reports null when a site's task dies and none replaces it, and nothing when a restart keeps the address", async () => {
    engine.addresses.set(site(1), "10.0.9.2");
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    engine.emit(1, "die");
    engine.emit(1, "start");
    await vi.advanceTimersByTimeAsync(200);
    expect(changes).toEqual([[1, "10.0.9.2"]]);
    engine.addresses.delete(site(1));
    engine.emit(1, "die");
    await vi.advanceTimersByTimeAsync(200);
    expect(changes).toEqual([
      [1, "10.0.9.2"],
      [1, null],
    ]);
  });

  it("reads events cut between chunks and ignores lines that are not site container events", async () => {
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    engine.addresses.set(site(5), "10.0.9.5");
    const line = JSON.stringify({
      Type: "container",
      Action: "start",
      Actor: { Attributes: { "org.director.site-id": "5", "org.director.installation": "lab1" } },
    });
    engine.current().write(`not json\n${line.slice(0, 10)}`);
    engine.current().write(`${line.slice(10)}\n`);
    await vi.advanceTimersByTimeAsync(100);
    expect(changes).toEqual([[5, "10.0.9.5"]]);
    expect(warnings).toContain("ignoring an engine event that is not a site container event");
  });

  it("reconnects with a growing delay while the engine is down, then resyncs what changed meanwhile", async () => {
    engine.addresses.set(site(1), "10.0.9.2");
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    engine.failNextOpens = 2;
    engine.addresses.set(site(1), "10.0.9.8").set(site(3), "10.0.9.4");
    engine.current().end(); // the engine restarted: the stream ends, and the events in between are lost
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.openCount).toBe(1);
    await vi.advanceTimersByTimeAsync(250); // first retry: fails
    expect(engine.openCount).toBe(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(engine.openCount).toBe(2);
    await vi.advanceTimersByTimeAsync(1); // second retry, after 500 ms: fails
    expect(engine.openCount).toBe(3);
    await vi.advanceTimersByTimeAsync(1_000); // third, after 1,000 ms (the maximum): connects and resyncs
    expect(engine.openCount).toBe(4);
    expect(changes).toEqual([
      [1, "10.0.9.2"],
      [1, "10.0.9.8"],
      [3, "10.0.9.4"],
    ]);
  });

  it("tries a failed update again on the site's next event", async () => {
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    engine.addresses.set(site(1), "10.0.9.2");
    onChange = async () => {
      throw new Error("nginx rejected the file");
    };
    engine.emit(1, "start");
    await vi.advanceTimersByTimeAsync(100);
    onChange = async (siteId, address) => {
      changes.push([siteId, address]);
    };
    engine.emit(1, "start");
    await vi.advanceTimersByTimeAsync(100);
    expect(changes).toEqual([[1, "10.0.9.2"]]);
  });

  it("runs one update at a time per site, the later one reading the later address", async () => {
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    let finishFirst = (): void => undefined;
    onChange = async (siteId, address) => {
      changes.push([siteId, address]);
      if (changes.length === 1) await new Promise<void>((resolve) => (finishFirst = resolve));
    };
    engine.addresses.set(site(1), "10.0.9.2");
    engine.emit(1, "start");
    await vi.advanceTimersByTimeAsync(100);
    engine.addresses.set(site(1), "10.0.9.3");
    engine.emit(1, "start");
    await vi.advanceTimersByTimeAsync(100);
    expect(changes).toEqual([[1, "10.0.9.2"]]);
    finishFirst();
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([
      [1, "10.0.9.2"],
      [1, "10.0.9.3"],
    ]);
  });

  it("stops following events and drops pending updates on stop", async () => {
    startWatcher();
    await vi.advanceTimersByTimeAsync(0);
    engine.addresses.set(site(1), "10.0.9.2");
    engine.emit(1, "start");
    await watcher.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(changes).toEqual([]);
    expect(engine.current().destroyed).toBe(true);
    expect(engine.openCount).toBe(1);
  });
});
