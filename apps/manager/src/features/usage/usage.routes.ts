import { usageRoutes } from "@director/contracts/manager-routes-usage";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { PlatformOverviewService } from "./platform-overview.service.js";
import type { SiteDiskService } from "./site-disk.service.js";
import type { SiteUsageService } from "./site-usage.service.js";
import { presentSiteDisk, presentSiteUsage } from "./usage.presenter.js";

/**
 * GET /api/sites/:name/usage?window=hour|day|week; administrators: GET /api/admin/usage/top (traffic) and
 * GET /api/admin/usage/processes (CPU and memory), GET /api/admin/usage/overview (the platform), GET /api/admin/usage/disk (fullest against their quota) and
 * PUT /api/sites/:name/disk-quota
 */
export function registerUsageRoutes(
  app: FastifyInstance,
  deps: { usage: SiteUsageService; disk: SiteDiskService; overview: PlatformOverviewService },
): void {
  registerApiRoute(app, usageRoutes.overview, async ({ actor, query }) => deps.overview.overview(actor, query.window));

  registerApiRoute(app, usageRoutes.site, async ({ actor, params, query }) =>
    presentSiteUsage(await deps.usage.forSite(actor, params.name, query.window)),
  );

  registerApiRoute(app, usageRoutes.top, async ({ actor, query }) => {
    const top = await deps.usage.top(actor, query);
    return {
      window: query.window,
      by: query.by,
      from: top.from.toISOString(),
      to: top.to.toISOString(),
      sparklinePeriodSeconds: top.periodMs / 1000,
      sites: top.sites.map((site) => ({
        site: site.name,
        requests: site.requests,
        bytesSent: site.bytesSent,
        errors: site.errors,
        sparkline: site.sparkline,
      })),
    };
  });

  registerApiRoute(app, usageRoutes.processes, async ({ actor, query }) => {
    const top = await deps.usage.topProcesses(actor, query);
    const windowMs = top.to.getTime() - top.from.getTime();
    const percentOf = (cpuMs: number, spanMs: number) => Math.round((cpuMs / spanMs) * 1000) / 10;
    return {
      window: query.window,
      by: query.by,
      from: top.from.toISOString(),
      to: top.to.toISOString(),
      sparklinePeriodSeconds: top.periodMs / 1000,
      sites: top.sites.map((site) => ({
        site: site.name,
        cpuPercent: percentOf(site.cpuMs, windowMs),
        memoryBytes: site.memoryMaxBytes,
        memoryLimitBytes: site.memoryLimitBytes,
        sparkline: site.sparkline.map((cpuMs) => percentOf(cpuMs, top.periodMs)),
      })),
    };
  });

  registerApiRoute(app, usageRoutes.fullest, async ({ actor, query }) => {
    const sites = await deps.disk.fullest(actor, { minShare: query.minPercent / 100, limit: query.limit });
    return {
      sites: sites.map((site) => ({
        site: site.siteName,
        usedBytes: site.usedBytes,
        quotaBytes: site.quotaBytes,
        percent: Math.round(site.share * 1000) / 10,
        measuredAt: site.measuredAt.toISOString(),
      })),
    };
  });

  registerApiRoute(app, usageRoutes.setDiskQuota, async ({ actor, params, body }) => ({
    disk: presentSiteDisk(await deps.disk.setQuota(actor, params.name, body.quotaBytes)),
  }));
}
