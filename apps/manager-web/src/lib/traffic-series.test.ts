import { describe, expect, it } from "vitest";
import type { SiteUsageView } from "../api/types";
import { trafficColumns } from "./traffic-series";

const point = (at: string, requests: number) => ({
  at,
  requests,
  bytesSent: requests * 100,
  status2xx: requests - 1,
  status3xx: 0,
  status4xx: 1,
  status5xx: 0,
  averageResponseMs: 2.5,
  maxResponseMs: 9,
});

describe("trafficColumns", () => {
  it("has one entry per period of the window, zero (or no line) where nothing was served", () => {
    const usage: SiteUsageView = {
      window: "hour",
      periodSeconds: 60,
      from: "2026-12-04T10:00:00.000Z",
      to: "2026-12-04T10:04:00.000Z",
      disk: null,
      diskHours: [],
      traffic: [point("2026-12-04T10:01:00.000Z", 5), point("2026-12-04T10:03:00.000Z", 2)],
      resources: [
        {
          at: "2026-12-04T10:02:00.000Z",
          cpuPercent: 87.5,
          memoryBytes: 64 * 1024 * 1024,
          memoryLimitBytes: 512 * 1024 * 1024,
        },
      ],
      totals: { requests: 7, bytesSent: 700, errors: 0 },
    };
    const columns = trafficColumns(usage);
    const start = Date.parse("2026-12-04T10:00:00Z") / 1000;
    expect(columns.times).toEqual([start, start + 60, start + 120, start + 180]);
    expect(columns.requests).toEqual([0, 5, 0, 2]);
    expect(columns.clientErrors).toEqual([0, 1, 0, 1]);
    expect(columns.averageMs).toEqual([null, 2.5, null, 2.5]);
    expect(columns.cpuPercent).toEqual([null, null, 87.5, null]);
    expect(columns.memoryMib).toEqual([null, null, 64, null]);
    expect(columns.memoryLimitMib).toEqual([null, null, 512, null]);
  });
});
