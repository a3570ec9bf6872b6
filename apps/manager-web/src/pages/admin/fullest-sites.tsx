import { useQuery } from "@tanstack/react-query";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { formatBytes } from "../../lib/format";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";

/** The sites fullest against their disk quota, as last measured: the ones about to stop writing. */
export function FullestSites() {
  const fullest = useQuery({ ...useApiQueries().fullestSites(), refetchInterval: 60_000 });
  const sites = fullest.data?.sites ?? [];
  return (
    <section aria-labelledby="fullest-sites">
      <h2 id="fullest-sites">Fullest disks</h2>
      <p className="muted small">
        Each site's files against its quota, measured every minute. Set a site's own quota on its page.
      </p>
      <ErrorBanner error={fullest.error} />
      {fullest.isPending ? <Loading what="the fullest sites" /> : null}
      {fullest.data && sites.length === 0 ? (
        <p className="empty">No site's disk was measured yet (or this installation has no site volumes).</p>
      ) : null}
      <table hidden={sites.length === 0} aria-label="Fullest disks">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Used</th>
            <th scope="col">Quota</th>
            <th scope="col">Full</th>
            <th scope="col" className="hide-narrow">
              Measured
            </th>
          </tr>
        </thead>
        <tbody>
          {sites.map((site) => (
            <tr key={site.site} data-site={site.site}>
              <td>
                <Link to={pathTo("site", { name: site.site })}>{site.site}</Link>
              </td>
              <td>{formatBytes(site.usedBytes)}</td>
              <td>{formatBytes(site.quotaBytes)}</td>
              <td className={site.percent >= 90 ? "danger" : undefined}>{site.percent} %</td>
              <td className="hide-narrow">
                <Time iso={site.measuredAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
