import { DirectorError } from "@director/domain/errors";
import { describe, expect, it } from "vitest";
import { certificateRetryDelayAfterMs, certificateRetryDelayMs, dnsRetryDelayMs } from "./domain-checks.js";

const minute = 60_000;

describe("retry delays", () => {
  it("checks DNS again after 30 s, doubling up to an hour", () => {
    expect([1, 2, 3, 8, 20].map(dnsRetryDelayMs)).toEqual([30_000, 60_000, 120_000, 60 * minute, 60 * minute]);
  });

  it("asks for a certificate again after 5 min, doubling up to a day", () => {
    expect([1, 2, 3, 20].map(certificateRetryDelayMs)).toEqual([
      5 * minute,
      10 * minute,
      20 * minute,
      24 * 60 * minute,
    ]);
  });

  it("waits as long as a rate limit's Retry-After says when that is longer, at most a week", () => {
    const limited = (retryAfterSeconds: unknown) =>
      new DirectorError("ACME_RATE_LIMITED", "limited", { details: { retryAfterSeconds } });
    expect(certificateRetryDelayAfterMs(1, limited(3 * 3600))).toBe(3 * 3600 * 1000);
    expect(certificateRetryDelayAfterMs(1, limited(10))).toBe(5 * minute);
    expect(certificateRetryDelayAfterMs(1, limited(30 * 24 * 3600))).toBe(7 * 24 * 3600 * 1000);
    expect(certificateRetryDelayAfterMs(2, limited(null))).toBe(10 * minute);
    expect(certificateRetryDelayAfterMs(2, limited("soon"))).toBe(10 * minute);
    expect(certificateRetryDelayAfterMs(1, new DirectorError("ACME_REJECTED", "no", { details: {} }))).toBe(5 * minute);
    expect(certificateRetryDelayAfterMs(1, new Error("boom"))).toBe(5 * minute);
  });
});
