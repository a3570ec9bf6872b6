import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { PlatformOverviewView } from "../../api/types";
import { TimeSeriesChart } from "../../components/time-series-chart";
import { ErrorBanner, Loading } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { formatBytes } from "../../lib/format";

/** One entry per period of the window (zero where nothing was served), for the chart. */
function overviewColumns(overview: PlatformOverviewView) {
  const from = Date.parse(overview.from) / 1000;
  const to = Date.parse(overview.to) / 1000;
  const byTime = new Map(overview.traffic.map((point) => [Date.parse(point.at) / 1000, point]));
  const times: number[] = [];
  const requests: number[] = [];
  const errors: number[] = [];
  for (let time = from; time < to; time += overview.periodSeconds) {
    const point = byTime.get(time);
    times.push(time);
    requests.push(point?.requests ?? 0);
    errors.push(point?.status5xx ?? 0);
  }
  return { times, requests, errors };
}

/**
 * The whole platform at a glance: sites, running processes, requests per second, the sites' disks against the room
 * left on the filesystem they share, and operations waiting or failed; below, every site's requests over the window.
 */
export function PlatformOverview({ window, windowName }: { window: "hour" | "day" | "week"; windowName: string }) {
  const overview = useQuery({ ...useApiQueries().platformOverview(window), refetchInterval: 30_000 });
  const data = overview.data;
  const columns = useMemo(() => (data ? overviewColumns(data) : null), [data]);
  const perPeriod = data?.periodSeconds === 3600 ? "hour" : "min";
  return (
    <section aria-labelledby="platform-overview" data-testid="platform-overview">
      <h2 id="platform-overview">Platform</h2>
      <ErrorBanner error={overview.error} />
      {overview.isPending ? <Loading what="the platform overview" /> : null}
      {data ? (
        <dl className="figures">
          <div>
            <dt>Sites</dt>
            <dd>
              {data.sites.total.toLocaleString()}{" "}
              <span className="muted small">
                ({data.sites.static.toLocaleString()} static, {data.sites.dynamic.toLocaleString()} dynamic)
              </span>
            </dd>
          </div>
          <div>
            <dt>Running processes</dt>
            <dd>{data.runningProcesses === null ? "not sampled yet" : data.runningProcesses.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Requests per second</dt>
            <dd data-testid="requests-per-second">{data.requestsPerSecond.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Disk</dt>
            <dd>
              {formatBytes(data.disk.usedBytes)} used by {data.disk.sites.toLocaleString()} sites
              {data.disk.freeBytes === null || data.disk.totalBytes === null ? null : (
                <span className="muted small">
                  {" "}
                  · {formatBytes(data.disk.freeBytes)} left of {formatBytes(data.disk.totalBytes)}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>Operations</dt>
            <dd>
              {data.operations.pending.toLocaleString()} queued, {data.operations.running.toLocaleString()} running,{" "}
              <span className={data.operations.failed > 0 ? "danger" : undefined}>
                {data.operations.failed.toLocaleString()} failed
              </span>
            </dd>
          </div>
        </dl>
      ) : null}
      {columns !== null ? (
        <TimeSeriesChart
          title={`All sites' requests per ${perPeriod}`}
          summary={`every site's requests and server errors, ${windowName.toLowerCase()}`}
          times={columns.times}
          lines={[
            { label: "Requests", values: columns.requests, color: "#2b6cb0" },
            { label: "5xx", values: columns.errors, color: "#c53030" },
          ]}
          formatValue={(value) => value.toLocaleString()}
          testId="platform-traffic-chart"
        />
      ) : null}
    </section>
  );
}
