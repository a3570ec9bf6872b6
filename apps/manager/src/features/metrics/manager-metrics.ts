/**
 * The manager's Prometheus metrics (prom-client), in a registry of their own (no global state). Platform counts
 * are read from the database when Prometheus scrapes; HTTP requests are counted as they end. Labels are bounded:
 * route patterns (`/api/sites/:name`), never URLs; methods and status codes; site types, availabilities,
 * operation kinds and statuses, and roles, which are short fixed lists; site names only for the busiest sites, at most
 * as many as the administrator allows (DIRECTOR_METRICS_SITE_SERIES).
 */
import type { GroupCount, PlatformStatsRepository } from "@director/db/platform-stats.repository";
import type { PlatformUsageQuery } from "@director/db/platform-usage.query";
import type { SiteTrafficRepository } from "@director/db/site-traffic.repository";
import type { UsageAlertsRepository } from "@director/db/usage-alerts.repository";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What the metrics read from the database. */
export type PlatformStats = Pick<
  PlatformStatsRepository,
  | "sitesByTypeAndAvailability"
  | "operationsByKindAndStatus"
  | "activeUsersByRole"
  | "domainsByStatus"
  | "certificatesEndingBefore"
>;

/** What the traffic metrics read: the counted minutes (features/usage). */
export type TrafficStats = Pick<SiteTrafficRepository, "platformTotals" | "busiest">;

/** What the alert metric reads: sites alerted about their use (features/usage/usage-alerts.ts). */
export type AlertStats = Pick<UsageAlertsRepository, "countSince">;

/**
 * Traffic is shown over the last five whole minutes: the minute under way is still being counted (the worker reads the
 * log every 10 s), so it is left out. A gauge over a window, not a counter: minutes are pruned after a day.
 */
export const trafficWindowMinutes = 5;

/** A certificate this close to its end (renewal starts at 30 days by default) is worth an alert. */
export const certificateAlertDays = 14;

/** Counts HTTP requests and reads platform counts for GET /metrics. */
export class ManagerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #durations: Histogram<"method" | "route">;

  constructor(
    stats: PlatformStats,
    traffic?: {
      stats: TrafficStats;
      siteSeries: number;
      alerts?: AlertStats;
      platform?: Pick<PlatformUsageQuery, "runningProcesses" | "disk" | "space">;
      now?: () => Date;
    },
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "director_manager_" });
    this.#requests = new Counter({
      name: "director_http_requests_total",
      help: "HTTP requests the manager answered, by route pattern and status code",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.#durations = new Histogram({
      name: "director_http_request_duration_seconds",
      help: "Time the manager took to answer, by route pattern",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    gaugeFrom("director_sites", "Sites by type and availability", ["type", "availability"], registers, () =>
      stats.sitesByTypeAndAvailability(),
    );
    gaugeFrom("director_operations", "Operations by kind and status", ["kind", "status"], registers, () =>
      stats.operationsByKindAndStatus(),
    );
    new Gauge({
      name: "director_operations_failed",
      help: "Operations that failed and were not retried",
      registers,
      async collect() {
        const groups = await stats.operationsByKindAndStatus();
        this.set(groups.filter((group) => group.labels.status === "failed").reduce((sum, g) => sum + g.count, 0));
      },
    });
    gaugeFrom("director_custom_domains", "Sites' own domains by status", ["status"], registers, () =>
      stats.domainsByStatus(),
    );
    new Gauge({
      name: "director_certificates_expiring",
      help: `Certificates of custom domains that end within ${certificateAlertDays} days (their renewal keeps failing)`,
      registers,
      async collect() {
        this.set(await stats.certificatesEndingBefore(new Date(Date.now() + certificateAlertDays * 24 * 3600 * 1000)));
      },
    });
    if (traffic !== undefined) registerTrafficGauges(traffic, registers);
    const alerts = traffic?.alerts;
    if (alerts !== undefined) {
      new Gauge<"kind">({
        name: "director_usage_alerts",
        help: "Sites whose members were alerted about their use in the last day, by kind",
        labelNames: ["kind"],
        registers,
        async collect() {
          const counts = await alerts.countSince(new Date(Date.now() - 24 * 3600_000));
          this.reset();
          for (const [kind, count] of Object.entries(counts)) this.set({ kind }, count);
        },
      });
    }
    const platform = traffic?.platform;
    if (platform !== undefined) registerPlatformGauges(platform, registers);
    gaugeFrom(
      "director_users",
      "Active accounts by role (administrators apart)",
      ["role", "isSuperuser"],
      registers,
      () => stats.activeUsersByRole(),
    );
  }

  /** Notes one answered request; `route` is the matched pattern, or "unmatched" (404s of unknown paths). */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#durations.observe({ method, route }, durationSeconds);
  }
}

/** Running processes and disk, as the collectors last measured them. */
function registerPlatformGauges(
  platform: Pick<PlatformUsageQuery, "runningProcesses" | "disk" | "space">,
  registers: Registry[],
): void {
  new Gauge({
    name: "director_site_processes_running",
    help: "Site containers running at the worker's last sample",
    registers,
    async collect() {
      this.set((await platform.runningProcesses())?.count ?? 0);
    },
  });
  new Gauge<"kind">({
    name: "director_site_disk_bytes",
    help: "Sites' files and quotas summed (kind used or quota), as last measured",
    labelNames: ["kind"],
    registers,
    async collect() {
      const disk = await platform.disk();
      this.set({ kind: "used" }, disk.usedBytes);
      this.set({ kind: "quota" }, disk.quotaBytes);
    },
  });
  new Gauge<"kind">({
    name: "director_sites_filesystem_bytes",
    help: "Size and free space (kind total or free) of the filesystem sites' files take room on",
    labelNames: ["kind"],
    registers,
    async collect() {
      const space = await platform.space();
      this.reset();
      if (space === null) return;
      this.set({ kind: "total" }, space.totalBytes);
      this.set({ kind: "free" }, space.freeBytes);
    },
  });
}

/** The last `trafficWindowMinutes` whole minutes before `now`. */
function trafficWindow(now: Date): { from: Date; to: Date } {
  const to = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { from: new Date(to.getTime() - trafficWindowMinutes * 60_000), to };
}

function registerTrafficGauges(
  traffic: { stats: TrafficStats; siteSeries: number; now?: () => Date },
  registers: Registry[],
): void {
  const window = () => trafficWindow(traffic.now?.() ?? new Date());
  const span = `over the last ${trafficWindowMinutes} whole minutes`;
  new Gauge<"class">({
    name: "director_traffic_requests",
    help: `Requests the balancer answered for sites ${span}, by status class`,
    labelNames: ["class"],
    registers,
    async collect() {
      const totals = await traffic.stats.platformTotals(window());
      this.reset();
      this.set({ class: "2xx" }, totals.status2xx);
      this.set({ class: "3xx" }, totals.status3xx);
      this.set({ class: "4xx" }, totals.status4xx);
      this.set({ class: "5xx" }, totals.status5xx);
    },
  });
  new Gauge({
    name: "director_traffic_bytes_sent",
    help: `Bytes the balancer sent for sites ${span}`,
    registers,
    async collect() {
      this.set((await traffic.stats.platformTotals(window())).bytesSent);
    },
  });
  if (traffic.siteSeries === 0) return;
  // One read for the three per-site gauges of a scrape: a registry collects its metrics in the order they were
  // registered, so the first reads and the two after it use that read.
  type BusySites = Awaited<ReturnType<TrafficStats["busiest"]>>;
  let latest: Promise<BusySites> = Promise.resolve([]);
  const readBusiest = () =>
    traffic.stats.busiest({ resolution: "minute", ...window(), by: "requests", limit: traffic.siteSeries });
  const perSite = (name: string, help: string, value: (site: BusySites[number]) => number, isFirst = false) =>
    new Gauge<"site">({
      name,
      help: `${help} ${span}, for the ${traffic.siteSeries} busiest sites by requests`,
      labelNames: ["site"],
      registers,
      async collect() {
        if (isFirst) latest = readBusiest();
        const sites = await latest;
        this.reset();
        for (const site of sites) this.set({ site: site.name }, value(site));
      },
    });
  perSite("director_site_requests", "Requests the site answered", (site) => site.requests, true);
  perSite("director_site_server_errors", "Requests the site answered with 5xx", (site) => site.errors);
  perSite("director_site_bytes_sent", "Bytes the site sent", (site) => site.bytesSent);
}

/** A gauge whose values are the groups `read` returns at each scrape (groups that vanished are dropped). */
function gaugeFrom<Key extends string>(
  name: string,
  help: string,
  labelNames: Key[],
  registers: Registry[],
  read: () => Promise<Array<GroupCount<Key>>>,
): void {
  new Gauge<Key>({
    name,
    help,
    labelNames,
    registers,
    async collect() {
      const groups = await read();
      this.reset();
      for (const group of groups) this.set(group.labels as Partial<Record<Key, string>>, group.count);
    },
  });
}
