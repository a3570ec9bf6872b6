import { describe, expect, it } from "vitest";
import { parseTrafficLine, TrafficBuckets } from "./traffic-buckets.js";

describe("parseTrafficLine", () => {
  it("reads nginx's line: time, host, status, bytes, request time", () => {
    expect(parseTrafficLine("1796392298.374 busy.sites.test 200 152 0.012")).toEqual({
      host: "busy.sites.test",
      endedAtMs: 1796392298374,
      status: 200,
      bytesSent: 152,
      requestTimeMs: 12,
    });
  });

  it("takes the host as everything between the fixed fields, so spaces in it shift nothing", () => {
    expect(parseTrafficLine("1796392298.374 a 200 999999 9 404 150 0.000")).toMatchObject({
      host: "a 200 999999 9",
      status: 404,
      bytesSent: 150,
    });
  });

  it("refuses lines that are not ours", () => {
    for (const line of [
      "",
      "garbage",
      "1.0 host 200 x 0.1",
      "1.0 host two00 1 0.1",
      "1.0 host 200 1",
      "x host 200 1 0.1",
    ]) {
      expect(parseTrafficLine(line), line).toBeNull();
    }
  });
});

describe("TrafficBuckets", () => {
  it("counts by host and minute, by status class, with request time sum and maximum", () => {
    const buckets = new TrafficBuckets();
    buckets.addLines(
      [
        "1796392200.000 a.test 200 100 0.010",
        "1796392259.999 a.test 101 10 5.000",
        "1796392260.000 a.test 301 20 0.001",
        "1796392261.000 a.test 404 30 0.002",
        "1796392262.000 a.test 499 0 0.003",
        "1796392263.000 a.test 502 40 0.004",
        "1796392264.000 b.test 200 50 0.005",
        "1796392265.000  400 60 0.000",
        `1796392265.000 ${"x".repeat(254)} 200 60 0.000`,
        "not a line",
        "",
      ].join("\n"),
    );
    expect(buckets.skipped).toBe(1);
    expect(buckets.hostless).toBe(2);
    expect(buckets.buckets()).toEqual([
      {
        host: "a.test",
        minute: "2026-12-04T13:50:00.000Z",
        requests: 2,
        bytesSent: 110,
        status2xx: 2,
        status3xx: 0,
        status4xx: 0,
        status5xx: 0,
        requestTimeMsSum: 5010,
        requestTimeMsMax: 5000,
      },
      {
        host: "a.test",
        minute: "2026-12-04T13:51:00.000Z",
        requests: 4,
        bytesSent: 90,
        status2xx: 0,
        status3xx: 1,
        status4xx: 2,
        status5xx: 1,
        requestTimeMsSum: 10,
        requestTimeMsMax: 4,
      },
      {
        host: "b.test",
        minute: "2026-12-04T13:51:00.000Z",
        requests: 1,
        bytesSent: 50,
        status2xx: 1,
        status3xx: 0,
        status4xx: 0,
        status5xx: 0,
        requestTimeMsSum: 5,
        requestTimeMsMax: 5,
      },
    ]);
  });
});
