import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { SiteUsageView } from "../../api/types";
import { TimeSeriesChart } from "../../components/time-series-chart";
import { ErrorBanner } from "../../components/ui";
import { useApiQueries, useLiveSites } from "../../hooks";
import { formatBytes } from "../../lib/format";
import { trafficColumns } from "../../lib/traffic-series";
import { SiteDisk } from "./site-disk";

type UsageWindow = SiteUsageView["window"];
const windowNames: Record<UsageWindow, string> = { hour: "Last hour", day: "Last day", week: "Last week" };
/**
 * The live channel says when the site's traffic was counted again (the worker counts every 10 s); this slower
 * refresh only covers a channel that is down.
 */
const fallbackRefreshMs = 60_000;

/**
 * The site's traffic: requests and errors, and response time, over the last hour, day or week, as the balancer
 * counted them; for a dynamic site, its process's CPU and memory against its limit too. Anyone who sees the site
 * sees it.
 */
export function SiteUsage({ site }: { site: string }) {
  const [window, setWindow] = useState<UsageWindow>("hour");
  const usage = useQuery({ ...useApiQueries().siteUsage(site, window), refetchInterval: fallbackRefreshMs });
  useLiveSites([site], (message) => {
    if (message.type === "usage") void usage.refetch();
  });
  const columns = useMemo(() => (usage.data ? trafficColumns(usage.data) : null), [usage.data]);
  const perPeriod = usage.data?.periodSeconds === 3600 ? "hour" : "min";
  const trafficLines = useMemo(
    () =>
      columns === null
        ? []
        : [
            { label: "Requests", values: columns.requests, color: "#1d5fbf" },
            { label: "4xx", values: columns.clientErrors, color: "#b7791f", isDashed: true },
            { label: "5xx", values: columns.serverErrors, color: "#c53030" },
          ],
    [columns],
  );
  const timeLines = useMemo(
    () =>
      columns === null
        ? []
        : [
            { label: "Average", values: columns.averageMs, color: "#2f855a" },
            { label: "Longest", values: columns.maxMs, color: "#6b46c1", isDashed: true },
          ],
    [columns],
  );
  const cpuLines = useMemo(
    () => (columns === null ? [] : [{ label: "CPU", values: columns.cpuPercent, color: "#1d5fbf" }]),
    [columns],
  );
  const memoryLines = useMemo(
    () =>
      columns === null
        ? []
        : [
            { label: "Memory", values: columns.memoryMib, color: "#2f855a" },
            { label: "Limit", values: columns.memoryLimitMib, color: "#c53030", isDashed: true },
          ],
    [columns],
  );
  const hasProcess = (usage.data?.resources.length ?? 0) > 0;
  const diskWindow = useMemo(
    () => ({ from: usage.data?.from ?? "", to: usage.data?.to ?? "", name: windowNames[window] }),
    [usage.data?.from, usage.data?.to, window],
  );
  const totals = usage.data?.totals;
  return (
    <section className="card" aria-labelledby="site-usage">
      <div className="card-head">
        <h2 id="site-usage">Traffic</h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">Window</legend>
          {(Object.keys(windowNames) as UsageWindow[]).map((name) => (
            <button
              key={name}
              type="button"
              className="link-button"
              aria-pressed={window === name}
              onClick={() => setWindow(name)}
            >
              {windowNames[name]}
            </button>
          ))}
        </fieldset>
      </div>
      <ErrorBanner error={usage.error} />
      {totals ? (
        <p data-testid="usage-totals">
          <strong>{totals.requests.toLocaleString()}</strong> requests, {formatBytes(totals.bytesSent)} sent,{" "}
          <strong>{totals.errors.toLocaleString()}</strong> server errors ({windowNames[window].toLowerCase()})
        </p>
      ) : null}
      {usage.data ? (
        <SiteDisk
          site={site}
          disk={usage.data.disk}
          hours={usage.data.diskHours}
          window={diskWindow}
          onChange={() => void usage.refetch()}
        />
      ) : null}
      {columns !== null && totals ? (
        <div className="charts">
          <TimeSeriesChart
            title={`Requests per ${perPeriod}`}
            summary={`${totals.requests} requests, ${totals.errors} server errors`}
            times={columns.times}
            lines={trafficLines}
            formatValue={(value) => value.toLocaleString()}
            testId="traffic-chart"
          />
          <TimeSeriesChart
            title="Response time"
            summary="average and longest response time per period"
            times={columns.times}
            lines={timeLines}
            formatValue={(value) => `${value} ms`}
          />
          {hasProcess ? (
            <>
              <TimeSeriesChart
                title="CPU"
                summary="CPU time the site's process used per period, in % of one core"
                times={columns.times}
                lines={cpuLines}
                formatValue={(value) => `${value} %`}
                testId="cpu-chart"
              />
              <TimeSeriesChart
                title="Memory"
                summary="the most memory the site's process held per period, and its limit, in MiB"
                times={columns.times}
                lines={memoryLines}
                formatValue={(value) => `${value} MiB`}
                testId="memory-chart"
              />
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
