import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Mutex } from "./mutex.js";

describe("Mutex", () => {
  it("runs callers one at a time, in call order", async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const task = (name: string, delayMs: number) =>
      mutex.runExclusive(async () => {
        events.push(`${name} start`);
        await sleep(delayMs);
        events.push(`${name} end`);
        return name;
      });

    const results = await Promise.all([task("a", 30), task("b", 1), task("c", 10)]);

    expect(results).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  it("passes a failure to its caller only and keeps serving later callers", async () => {
    const mutex = new Mutex();
    const failing = mutex.runExclusive(async () => {
      throw new Error("boom");
    });
    const next = mutex.runExclusive(async () => "after");

    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("after");
  });

  it("turns a synchronous throw into a rejection", async () => {
    const mutex = new Mutex();
    const thrower = (): Promise<never> => {
      throw new Error("sync");
    };
    await expect(mutex.runExclusive(thrower)).rejects.toThrow("sync");
  });
});
