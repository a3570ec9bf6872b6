import { useState } from "react";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApi, useAsync } from "../../hooks";

const pageSize = 100;

/** Who did what, newest first. */
export function AdminAuditPage() {
  const api = useApi();
  const [page, setPage] = useState(0);
  const [entries] = useAsync(() => api.people.audit({ limit: pageSize, offset: page * pageSize }), [page]);
  return (
    <>
      <h1>Audit log</h1>
      <ErrorBanner error={entries.error} />
      {entries.status === "loading" ? <Loading what="the audit log" /> : null}
      <table hidden={!entries.value}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">On</th>
          </tr>
        </thead>
        <tbody>
          {(entries.value?.entries ?? []).map((entry) => (
            <tr key={entry.id}>
              <td>
                <Time iso={entry.at} />
              </td>
              <td>{entry.actor ?? <span className="muted">Director</span>}</td>
              <td>{entry.action}</td>
              <td>{entry.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages">
        {page > 0 ? (
          <button type="button" className="link-button" onClick={() => setPage(page - 1)}>
            ← Newer
          </button>
        ) : (
          <span />
        )}
        {(entries.value?.entries.length ?? 0) >= pageSize ? (
          <button type="button" className="link-button" onClick={() => setPage(page + 1)}>
            Older →
          </button>
        ) : null}
      </nav>
    </>
  );
}
