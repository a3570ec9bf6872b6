import { useQuery } from "@tanstack/react-query";
import type { LargeSiteDatabaseView } from "../../api/types";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { formatBytes } from "../../lib/format";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";

const kindNames: Record<LargeSiteDatabaseView["kind"], string> = { postgres: "PostgreSQL", mysql: "MariaDB" };

/**
 * The installation's largest site databases, as the background check last measured them, with the limit each is held
 * to and whether its writes are stopped: where an administrator looks when a host fills up.
 */
export function LargestDatabases() {
  const largest = useQuery(useApiQueries().largestSiteDatabases());
  const databases = largest.data?.databases ?? [];
  const defaultLimit = largest.data?.defaultSizeLimitBytes ?? null;
  return (
    <section aria-labelledby="largest-databases">
      <h2 id="largest-databases">Largest databases</h2>
      <p className="muted small">
        Measured every few minutes. Default limit: {defaultLimit === null ? "none" : formatBytes(defaultLimit)}; set a
        site's own on its page.
      </p>
      <ErrorBanner error={largest.error} />
      {largest.isPending ? <Loading what="the largest databases" /> : null}
      {largest.data && databases.length === 0 ? <p className="empty">No site has a database yet.</p> : null}
      <table hidden={databases.length === 0}>
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Host</th>
            <th scope="col">Size</th>
            <th scope="col">Limit</th>
            <th scope="col">Writes</th>
          </tr>
        </thead>
        <tbody>
          {databases.map((database) => (
            <tr key={database.site} data-site={database.site}>
              <td>
                <Link to={pathTo("site", { name: database.site })}>{database.site}</Link>
              </td>
              <td>
                {database.host} <span className="muted small">{kindNames[database.kind]}</span>
              </td>
              <td>
                {database.sizeBytes === null ? (
                  <span className="muted">not measured yet</span>
                ) : (
                  formatBytes(database.sizeBytes)
                )}
              </td>
              <td>
                {database.sizeLimitBytes === null ? "none" : formatBytes(database.sizeLimitBytes)}
                {database.hasOwnSizeLimit ? <span className="muted small"> (own)</span> : null}
              </td>
              <td>
                {database.writesStoppedAt === null ? (
                  "allowed"
                ) : (
                  <span className="danger">
                    stopped since <Time iso={database.writesStoppedAt} />
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
