/**
 * LiveHub's read budget, on fakes of its sources (the database and the orchestrator are exercised for real by
 * live.int.test.ts): however many pages watch a site and however often the clock ticks, its process is asked about
 * once per processPollMs, and at once when one of its operations changes.
 */
import type { LiveServerMessage } from "@director/contracts/manager-live";
import type { Operation } from "@director/domain/operation";
import type { SiteId } from "@director/domain/site";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveHub } from "./live-hub.js";
import { InProcessOperationEvents } from "./operation-events.js";

const siteId = 7 as SiteId;

/** Fake of the orchestrator's process view: counts the asks. */
class FakeProcessView {
  asks = 0;
  async serviceStatus() {
    this.asks++;
    return { state: "running" as const, message: `ask ${this.asks}` };
  }
}

function operation(id: number, status: Operation["status"]): Operation {
  return {
    id,
    kind: "restart_site",
    siteId,
    siteName: "app",
    status,
    createdBy: 1,
    createdAt: new Date(0),
    startedAt: null,
    finishedAt: null,
    error: null,
    steps: [],
  } as unknown as Operation;
}

describe("LiveHub", () => {
  afterEach(() => vi.useRealTimers());

  it("asks about a watched site's process once per processPollMs however many watch it, and at once on a change", async () => {
    vi.useFakeTimers();
    const events = new InProcessOperationEvents();
    const process = new FakeProcessView();
    let latest = operation(1, "succeeded");
    const hub = new LiveHub({
      events,
      // Fake of the operations repository: one operation, the test changes it.
      operations: { findById: async () => latest, findLatestForSite: async () => latest },
      sites: { findById: async () => ({ type: "dynamic" as const, revision: 1 }) },
      process,
      log: pino({ level: "silent" }),
      pollMs: 1000,
      processPollMs: 10_000,
      now: () => Date.now(),
    });
    hub.start();
    const received: LiveServerMessage[][] = [[], [], []];
    for (const sink of received) hub.watch({ id: siteId, name: "app" }, (message) => sink.push(message));
    await vi.advanceTimersByTimeAsync(5_000); // five ticks
    expect(process.asks).toBe(1);
    expect(received.map((messages) => messages.filter((message) => message.type === "process").length)).toEqual([
      1, 1, 1,
    ]);

    latest = operation(2, "running");
    events.publish(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(process.asks).toBe(2); // the change asked at once, not at the next ten seconds
    for (const messages of received) {
      expect(messages).toContainEqual(
        expect.objectContaining({ type: "operation", operation: expect.objectContaining({ id: 2 }) }),
      );
    }
    await vi.advanceTimersByTimeAsync(10_000);
    expect(process.asks).toBe(3);
    hub.stop();
  });

  it("asks again at every tick while the process is starting, then every processPollMs once it runs", async () => {
    vi.useFakeTimers();
    let state: "starting" | "running" = "starting";
    let asks = 0;
    const hub = new LiveHub({
      events: new InProcessOperationEvents(),
      operations: { findById: async () => null, findLatestForSite: async () => null },
      sites: { findById: async () => ({ type: "dynamic" as const, revision: 1 }) },
      // Fake of the orchestrator's process view: starting until the test says it runs.
      process: {
        serviceStatus: async () => {
          asks++;
          return { state, message: state };
        },
      },
      log: pino({ level: "silent" }),
      pollMs: 1000,
      processPollMs: 10_000,
      now: () => Date.now(),
    });
    hub.start();
    const states: string[] = [];
    hub.watch({ id: siteId, name: "app" }, (message) => {
      if (message.type === "process") states.push(message.status.state);
    });
    await vi.advanceTimersByTimeAsync(3_000); // the first ask, then one per tick
    expect(asks).toBe(4);
    state = "running";
    await vi.advanceTimersByTimeAsync(1_000);
    expect(states).toEqual(["starting", "running"]);
    const asked = asks;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(asks).toBe(asked); // running: the next ask waits its ten seconds
    hub.stop();
  });

  it("tells pages when a site's traffic was counted again: on changes only, looked at every usagePollMs", async () => {
    vi.useFakeTimers();
    let mark: string | null = null;
    let looks = 0;
    const hub = new LiveHub({
      events: new InProcessOperationEvents(),
      operations: { findById: async () => null, findLatestForSite: async () => null },
      sites: { findById: async () => ({ type: "static" as const, revision: 1 }) },
      process: new FakeProcessView(),
      // Fake of the traffic repository: the test counts, as the collector would.
      usage: {
        latestMark: async () => {
          looks++;
          return mark;
        },
      },
      log: pino({ level: "silent" }),
      pollMs: 1000,
      processPollMs: 10_000,
      usagePollMs: 5000,
      now: () => Date.now(),
    });
    hub.start();
    const marks: string[] = [];
    hub.watch({ id: siteId, name: "app" }, (message) => {
      if (message.type === "usage") marks.push(message.mark);
    });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(looks).toBe(1); // on watch, then not before five seconds
    mark = "2026-12-04T10:00:00.000Z/3";
    await vi.advanceTimersByTimeAsync(2_000);
    expect(marks).toEqual(["2026-12-04T10:00:00.000Z/3"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(marks).toHaveLength(1); // the same mark is no news
    mark = "2026-12-04T10:00:00.000Z/9";
    await vi.advanceTimersByTimeAsync(5_000);
    expect(marks).toEqual(["2026-12-04T10:00:00.000Z/3", "2026-12-04T10:00:00.000Z/9"]);
    expect(looks).toBeLessThanOrEqual(6);
    hub.stop();
  });

  it("sends a site's revision on watch and once each time it grows, to every page, and greets a late page with it", async () => {
    vi.useFakeTimers();
    let revision = 4;
    const hub = new LiveHub({
      events: new InProcessOperationEvents(),
      operations: { findById: async () => null, findLatestForSite: async () => null },
      // Fake of the sites repository: the test changes the revision, as a comment or a new member would.
      sites: { findById: async () => ({ type: "static" as const, revision }) },
      process: new FakeProcessView(),
      log: pino({ level: "silent" }),
      pollMs: 1000,
      processPollMs: 10_000,
      now: () => Date.now(),
    });
    hub.start();
    const revisionsOf = (messages: LiveServerMessage[]) =>
      messages.flatMap((message) => (message.type === "site" ? [message.revision] : []));
    const first: LiveServerMessage[] = [];
    hub.watch({ id: siteId, name: "app" }, (message) => first.push(message));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(revisionsOf(first)).toEqual([4]);
    revision = 6;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(revisionsOf(first)).toEqual([4, 6]);
    const late: LiveServerMessage[] = [];
    hub.watch({ id: siteId, name: "app" }, (message) => late.push(message));
    expect(revisionsOf(late)).toEqual([6]);
    hub.stop();
  });
});
