import { describe, expect, it } from "vitest";
import { type PassOutcome, PollingLoop } from "./polling-loop.js";
import { InProcessWakeup } from "./wakeup.js";

/** A loop whose passes answer `outcomes` in turn (then "nothing due"); `ran(n)` resolves once n passes have run. */
function loopOf(outcomes: PassOutcome[], wakeup = new InProcessWakeup()) {
  let count = 0;
  let waiters: Array<() => void> = [];
  const loop = new PollingLoop({
    pass: async () => {
      const outcome = outcomes[count] ?? { hasMore: false };
      count += 1;
      const woken = waiters;
      waiters = [];
      for (const check of woken) check();
      return outcome;
    },
    wakeup,
    // An hour: any later pass in these tests comes from what a pass said or from a wake-up, never from the interval.
    intervalMs: 3_600_000,
    onError: () => {},
  });
  const ran = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (count >= n ? resolve() : waiters.push(check));
      check();
    });
  return { loop, ran, count: () => count };
}

describe("PollingLoop", () => {
  it("comes back when a pass says something is due soon, not after its interval", async () => {
    const { loop, ran } = loopOf([{ hasMore: false, nextPassInMs: 20 }]);
    loop.start();
    await ran(2);
    await loop.stop();
  });

  it("runs again at once after a full batch, and on a wake-up", async () => {
    const wakeup = new InProcessWakeup();
    const { loop, ran, count } = loopOf([{ hasMore: true }, { hasMore: false }], wakeup);
    loop.start();
    await ran(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count()).toBe(2); // nothing due: it waits
    wakeup.notify();
    await ran(3);
    await loop.stop();
  });

  it("stops during its pause, and runs no pass after, even when woken", async () => {
    const wakeup = new InProcessWakeup();
    const { loop, ran, count } = loopOf([], wakeup);
    loop.start();
    await ran(1);
    await loop.stop();
    wakeup.notify();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect({ isRunning: loop.isRunning, passes: count() }).toEqual({ isRunning: false, passes: 1 });
  });
});
