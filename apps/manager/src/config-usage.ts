/**
 * The manager's configuration of what sites use: their databases' size limits, traffic counting and the metrics
 * Prometheus reads. Sections of its table (config.ts).
 */
import { variable } from "@director/config/config-table";
import { metricsTokenVariable } from "@director/http-kit/internal-api-config";
import { z } from "zod";

const durationMs = z.coerce.number().int().min(1);

export const siteDatabasesConfigTable = {
  defaultSizeLimitBytes: variable({
    env: "DIRECTOR_DATABASE_SIZE_LIMIT_BYTES",
    schema: z.coerce
      .number()
      .int()
      .min(0)
      .default(1024 * 1024 * 1024),
    doc: "a site database's size limit unless an administrator sets its own, in bytes (`0`: none); past it the site's user may no longer write (MariaDB: rights revoked; PostgreSQL: read-only by default, which its owner can lift)",
  }),
  sizeCheckIntervalMs: variable({
    env: "DIRECTOR_DATABASE_SIZE_CHECK_INTERVAL_MS",
    schema: durationMs.default(5 * 60_000),
    doc: "how often the worker measures every site database (one query per database host) and applies the limits",
  }),
};

export const usageConfigTable = {
  resourcesIntervalMs: variable({
    env: "DIRECTOR_RESOURCES_INTERVAL_MS",
    schema: z.coerce.number().int().min(0).default(30_000),
    doc: "how often the worker samples the CPU time and memory of every running dynamic site (one Docker stats read per site, on the orchestrator) for its graphs (`0`: never)",
  }),
  diskIntervalMs: variable({
    env: "DIRECTOR_DISK_USAGE_INTERVAL_MS",
    schema: z.coerce.number().int().min(0).default(60_000),
    doc: "how often the worker measures how full every site's volume is (one statfs per site, on the orchestrator) for its meter, the administrators' list and the 90 % alert (`0`: never)",
  }),
  trafficIntervalMs: variable({
    env: "DIRECTOR_TRAFFIC_INTERVAL_MS",
    schema: z.coerce.number().int().min(0).default(10_000),
    doc: "how often the worker reads the balancer's traffic log and adds each site's requests to its graphs (`0`: never; the log then grows until it is read)",
  }),
};

export const metricsConfigTable = {
  token: metricsTokenVariable(),
  siteSeries: variable({
    env: "DIRECTOR_METRICS_SITE_SERIES",
    schema: z.coerce.number().int().min(0).max(10_000).default(50),
    doc: "how many sites (the busiest by requests over the last five whole minutes) `/metrics` gives series of their own (`director_site_*{site}`); `0`: none, platform totals only",
  }),
};
