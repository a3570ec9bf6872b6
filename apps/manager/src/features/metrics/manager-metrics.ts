/**
 * The manager's Prometheus metrics (prom-client), in a registry of their own (no global state). Platform counts
 * are read from the database when Prometheus scrapes; HTTP requests are counted as they end. Labels are bounded:
 * route patterns (`/api/sites/:name`), never URLs; methods and status codes; site types, availabilities,
 * operation kinds and statuses, and roles, which are short fixed lists.
 */
import type { GroupCount, PlatformStatsRepository } from "@director/db/platform-stats.repository";
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

/** A certificate this close to its end (renewal starts at 30 days by default) is worth an alert. */
export const certificateAlertDays = 14;

/** Counts HTTP requests and reads platform counts for GET /metrics. */
export class ManagerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #durations: Histogram<"method" | "route">;

  constructor(stats: PlatformStats) {
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
