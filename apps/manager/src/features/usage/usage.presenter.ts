import { diskWarningShare, type SiteDiskView, type SiteUsageView } from "@director/contracts/manager-routes-usage";
import type { SiteUsage } from "./site-usage.service.js";

export function presentSiteDisk(disk: NonNullable<SiteUsage["disk"]>): SiteDiskView {
  const { measure } = disk;
  return {
    usedBytes: measure.usedBytes,
    quotaBytes: measure.quotaBytes,
    usedInodes: measure.usedInodes,
    totalInodes: measure.totalInodes,
    measuredAt: measure.measuredAt.toISOString(),
    ownQuotaBytes: disk.ownQuotaBytes,
    isNearQuota: measure.quotaBytes > 0 && measure.usedBytes >= diskWarningShare * measure.quotaBytes,
  };
}

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
    disk: usage.disk === null ? null : presentSiteDisk(usage.disk),
    diskHours: usage.diskHours.map((hour) => ({
      at: hour.at.toISOString(),
      usedBytes: hour.usedMaxBytes,
      quotaBytes: hour.quotaBytes,
    })),
    totals: {
      requests: traffic.reduce((sum, point) => sum + point.requests, 0),
      bytesSent: traffic.reduce((sum, point) => sum + point.bytesSent, 0),
      errors: traffic.reduce((sum, point) => sum + point.status5xx, 0),
    },
  };
}
