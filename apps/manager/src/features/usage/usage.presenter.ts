import type { SiteUsageView } from "@director/contracts/manager-routes-usage";
import type { SiteUsage } from "./site-usage.service.js";

export function presentSiteUsage(usage: SiteUsage): SiteUsageView {
  const traffic = usage.traffic.map((point) => ({
    at: point.at.toISOString(),
    requests: point.requests,
    bytesSent: point.bytesSent,
    status2xx: point.status2xx,
    status3xx: point.status3xx,
    status4xx: point.status4xx,
    status5xx: point.status5xx,
    averageResponseMs: point.requests === 0 ? 0 : Math.round((point.requestTimeMsSum / point.requests) * 10) / 10,
    maxResponseMs: point.requestTimeMsMax,
  }));
  return {
    window: usage.window,
    periodSeconds: usage.periodMs / 1000,
    from: usage.from.toISOString(),
    to: usage.to.toISOString(),
    traffic,
    resources: usage.resources.map((point) => ({
      at: point.at.toISOString(),
      cpuPercent: Math.round((point.cpuMs / usage.periodMs) * 1000) / 10,
      memoryBytes: point.memoryMaxBytes,
      memoryLimitBytes: point.memoryLimitBytes,
    })),
    totals: {
      requests: traffic.reduce((sum, point) => sum + point.requests, 0),
      bytesSent: traffic.reduce((sum, point) => sum + point.bytesSent, 0),
      errors: traffic.reduce((sum, point) => sum + point.status5xx, 0),
    },
  };
}
