import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Sparkline } from "../../components/sparkline";
import { ErrorBanner, Loading } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { formatBytes } from "../../lib/format";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";
import { BusiestProcesses } from "./busiest-processes";
import { FullestSites } from "./fullest-sites";
import { PlatformOverview } from "./platform-overview";

type UsageWindow = "hour" | "day" | "week";
type UsageOrder = "requests" | "bytes" | "errors";
const windowNames: Record<UsageWindow, string> = { hour: "Last hour", day: "Last day", week: "Last week" };
const orderNames: Record<UsageOrder, string> = { requests: "Requests", bytes: "Data sent", errors: "Server errors" };

/**
 * The busiest sites, by requests, data sent or server errors, over a window: where an administrator looks first for
 * the site that misbehaves. Each row has a sparkline of its requests. Below, the busiest processes by CPU or memory.
 */
export function AdminUsagePage() {
  const [window, setWindow] = useState<UsageWindow>("hour");
  const [by, setBy] = useState<UsageOrder>("requests");
  const top = useQuery({ ...useApiQueries().busiestSites(window, by), refetchInterval: 30_000 });
  const sites = top.data?.sites ?? [];
  return (
    <>
      <h1>Usage</h1>
      <form className="toolbar" onSubmit={(event) => event.preventDefault()} aria-label="What to show">
        <label>
          Window{" "}
          <select value={window} onChange={(event) => setWindow(event.target.value as UsageWindow)}>
            {(Object.keys(windowNames) as UsageWindow[]).map((name) => (
              <option key={name} value={name}>
                {windowNames[name]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Busiest by{" "}
          <select value={by} onChange={(event) => setBy(event.target.value as UsageOrder)}>
            {(Object.keys(orderNames) as UsageOrder[]).map((name) => (
              <option key={name} value={name}>
                {orderNames[name]}
              </option>
            ))}
          </select>
        </label>
      </form>
      <PlatformOverview window={window} windowName={windowNames[window]} />
      <h2>Busiest sites</h2>
      <ErrorBanner error={top.error} />
      {top.isPending ? <Loading what="the busiest sites" /> : null}
      {top.data && sites.length === 0 ? <p className="empty">No site served a request in this window.</p> : null}
      <table hidden={sites.length === 0} aria-label="Busiest sites">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Requests</th>
            <th scope="col" className="hide-narrow">
              Data sent
            </th>
            <th scope="col">Server errors</th>
            <th scope="col" className="hide-narrow">
              Requests over time
            </th>
          </tr>
        </thead>
        <tbody>
          {sites.map((site) => (
            <tr key={site.site} data-site={site.site}>
              <td>
                <Link to={pathTo("site", { name: site.site })}>{site.site}</Link>
              </td>
              <td>{site.requests.toLocaleString()}</td>
              <td className="hide-narrow">{formatBytes(site.bytesSent)}</td>
              <td className={site.errors > 0 ? "danger" : undefined}>{site.errors.toLocaleString()}</td>
              <td className="hide-narrow">
                <Sparkline
                  values={site.sparkline}
                  label={`${site.site}'s requests over ${windowNames[window].toLowerCase()}`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <BusiestProcesses window={window} windowName={windowNames[window]} />
      <FullestSites />
    </>
  );
}
