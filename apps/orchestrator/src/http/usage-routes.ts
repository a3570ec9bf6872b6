import { orchestratorApi } from "@director/contracts/orchestrator-api";
import { registerRoute } from "@director/http-kit/routes";
import type { FastifyInstance } from "fastify";
import type { SiteResources, SiteVolumes, TrafficLog } from "../core/ports.js";

/**
 * POST /usage/traffic, GET /usage/resources and /usage/disk, PUT /sites/:id/disk-quota (contracts/orchestrator-usage.ts):
 * the balancer's traffic after the manager's cursor, what running site containers use (none without a Docker engine:
 * no dynamic site runs), how full each site's volume is, and a site's quota.
 */
export function registerUsageRoutes(
  app: FastifyInstance,
  deps: { traffic: TrafficLog; resources: SiteResources | null; volumes: SiteVolumes; defaultDiskQuotaBytes: number },
): void {
  registerRoute(app, orchestratorApi.readTraffic, async ({ body }) => deps.traffic.read(body.after, body.maxBytes));
  registerRoute(app, orchestratorApi.readResources, async ({ query }) => {
    const now = Date.now();
    const sampledAt = new Date(now).toISOString();
    // A window a minute wider than asked (a `kill` just before it still marks its `die` as asked for), an hour at
    // most; the caller drops what it has already.
    const until = Math.floor(now / 1000) - 1;
    const asked = query.eventsSince === undefined ? null : Number(query.eventsSince);
    const since = asked === null ? null : Math.max(until - 3600, Math.min(asked, until) - 60);
    if (deps.resources === null) return { sampledAt, samples: [], processEvents: [], eventsUntil: String(until) };
    const samples = await deps.resources.sample();
    const processEvents = since === null ? [] : await deps.resources.processEvents(since, until);
    return { sampledAt, samples, processEvents, eventsUntil: String(until) };
  });
  registerRoute(app, orchestratorApi.readDiskUsage, async () => {
    const measuredAt = new Date().toISOString();
    const sites = [...(await deps.volumes.usage())].map(([siteId, usage]) => ({ siteId, ...usage }));
    return { measuredAt, isEnforced: deps.volumes.isEnforced, sites, space: await deps.volumes.space() };
  });
  registerRoute(app, orchestratorApi.setDiskQuota, async ({ params, body }) =>
    deps.volumes.setQuota(params.id, body.quotaBytes ?? deps.defaultDiskQuotaBytes),
  );
}
