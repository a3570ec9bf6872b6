import { describe, expect, it } from "vitest";
import { mailRetryDelayMs, maxMailAttempts, nextMailAttemptAt } from "./mail-retry.js";

describe("mail retry policy", () => {
  it("waits 30 s after the first failure and doubles the wait each time, at most an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(mailRetryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000,
    ]);
    expect(mailRetryDelayMs(8)).toBe(3_600_000);
    expect(mailRetryDelayMs(20)).toBe(3_600_000);
  });

  it("gives up after the 30th try, 23 h 3.5 min after the first (the figure the docs give)", () => {
    const start = new Date("2030-01-01T00:00:00Z");
    let at = start;
    let tries = 0;
    for (;;) {
      tries += 1;
      const next = nextMailAttemptAt(tries, at);
      if (next === null) break;
      at = next;
    }
    expect(tries).toBe(maxMailAttempts);
    expect(maxMailAttempts).toBe(30);
    expect(at.getTime() - start.getTime()).toBe((63.5 + 22 * 60) * 60_000);
  });
});
