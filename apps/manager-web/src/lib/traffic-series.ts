import type { SiteUsageView } from "../api/types";

/** A site's traffic and its process's use as columns for charts: one entry per period of the window, zero where nothing was served. */
export interface TrafficColumns {
  /** each period's start, in seconds since the epoch (uPlot's x values) */
  times: number[];
  requests: number[];
  clientErrors: number[];
  serverErrors: number[];
  /** null where no request was served: no line is drawn there */
  averageMs: (number | null)[];
  maxMs: (number | null)[];
  /** a dynamic site's process; null where it did not run */
  cpuPercent: (number | null)[];
  memoryMib: (number | null)[];
  memoryLimitMib: (number | null)[];
}

/** Fills the window's periods (the API leaves out periods without requests) in order (pure). */
export function trafficColumns(usage: SiteUsageView): TrafficColumns {
  const from = Date.parse(usage.from) / 1000;
  const to = Date.parse(usage.to) / 1000;
  const byTime = new Map(usage.traffic.map((point) => [Date.parse(point.at) / 1000, point]));
  const columns: TrafficColumns = {
    times: [],
    requests: [],
    clientErrors: [],
    serverErrors: [],
    averageMs: [],
    maxMs: [],
    cpuPercent: [],
    memoryMib: [],
    memoryLimitMib: [],
  };
  const resourcesByTime = new Map(usage.resources.map((point) => [Date.parse(point.at) / 1000, point]));
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  for (let time = from; time < to; time += usage.periodSeconds) {
    const point = byTime.get(time);
    columns.times.push(time);
    columns.requests.push(point?.requests ?? 0);
    columns.clientErrors.push(point?.status4xx ?? 0);
    columns.serverErrors.push(point?.status5xx ?? 0);
    columns.averageMs.push(point === undefined ? null : point.averageResponseMs);
    columns.maxMs.push(point === undefined ? null : point.maxResponseMs);
    const used = resourcesByTime.get(time);
    columns.cpuPercent.push(used === undefined ? null : used.cpuPercent);
    columns.memoryMib.push(used === undefined ? null : mib(used.memoryBytes));
    columns.memoryLimitMib.push(used?.memoryLimitBytes == null ? null : mib(used.memoryLimitBytes));
  }
  return columns;
}
