import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Sparkline } from "../../components/sparkline";
import { ErrorBanner, Loading } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { formatBytes } from "../../lib/format";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";

type UsageWindow = "hour" | "day" | "week";
type ProcessOrder = "cpu" | "memory";
const orderNames: Record<ProcessOrder, string> = { cpu: "CPU", memory: "Memory" };

/**
 * The dynamic sites whose processes used the most CPU or held the most memory over the page's window: the site that
 * spins in a loop or grows until it is killed shows at the top. Each row has a sparkline of its CPU.
 */
export function BusiestProcesses({ window, windowName }: { window: UsageWindow; windowName: string }) {
  const [by, setBy] = useState<ProcessOrder>("cpu");
  const top = useQuery({ ...useApiQueries().busiestProcesses(window, by), refetchInterval: 30_000 });
  const sites = top.data?.sites ?? [];
  return (
    <section aria-labelledby="busiest-processes">
      <div className="card-head">
        <h2 id="busiest-processes">Processes</h2>
        <label>
          Busiest processes by{" "}
          <select value={by} onChange={(event) => setBy(event.target.value as ProcessOrder)}>
            {(Object.keys(orderNames) as ProcessOrder[]).map((name) => (
              <option key={name} value={name}>
                {orderNames[name]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={top.error} />
      {top.isPending ? <Loading what="the busiest processes" /> : null}
      {top.data && sites.length === 0 ? <p className="empty">No site's process ran in this window.</p> : null}
      <table hidden={sites.length === 0} aria-label="Busiest processes">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">CPU (average, of one core)</th>
            <th scope="col">Memory (most)</th>
            <th scope="col" className="hide-narrow">
              CPU over time
            </th>
          </tr>
        </thead>
        <tbody>
          {sites.map((site) => (
            <tr key={site.site} data-site={site.site}>
              <td>
                <Link to={pathTo("site", { name: site.site })}>{site.site}</Link>
              </td>
              <td>{site.cpuPercent.toLocaleString()} %</td>
              <td
                className={
                  site.memoryLimitBytes !== null && site.memoryBytes > 0.9 * site.memoryLimitBytes
                    ? "danger"
                    : undefined
                }
              >
                {formatBytes(site.memoryBytes)}
                {site.memoryLimitBytes === null ? "" : ` of ${formatBytes(site.memoryLimitBytes)}`}
              </td>
              <td className="hide-narrow">
                <Sparkline values={site.sparkline} label={`${site.site}'s CPU over ${windowName.toLowerCase()}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
