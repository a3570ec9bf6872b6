import { type FormEvent, useEffect, useState } from "react";
import type { OperationView } from "../../api/core";
import { followOperation, isOperationFinished } from "../../api/events";
import { OperationProgress } from "../../components/operation-progress";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApi, useAsync } from "../../hooks";
import { sitePath } from "../../lib/routes";
import { Link, navigate } from "../../router";

/** Operations, all or failed, with their step log; retry a failed one; look one up by its number. */
export function AdminOperationsPage({ search }: { search: string }) {
  const api = useApi();
  const params = new URLSearchParams(search);
  const isFailedOnly = params.get("failed") === "1";
  const openId = Number(params.get("id") ?? "") || null;
  const [list, reload] = useAsync(
    () => api.operationsAdmin.list({ ...(isFailedOnly ? { status: "failed" as const } : {}), limit: 50, offset: 0 }),
    [isFailedOnly],
  );
  const [lookup, setLookup] = useState(openId ? String(openId) : "");

  const find = (event: FormEvent) => {
    event.preventDefault();
    navigate(
      `/admin/operations?${new URLSearchParams({ ...(isFailedOnly ? { failed: "1" } : {}), id: lookup.trim() })}`,
    );
  };

  return (
    <>
      <h1>Operations</h1>
      <div className="toolbar">
        <nav aria-label="Which operations" className="tabs">
          <Link to="/admin/operations" aria-current={!isFailedOnly ? "page" : undefined}>
            All
          </Link>
          <Link to="/admin/operations?failed=1" aria-current={isFailedOnly ? "page" : undefined}>
            Failed
          </Link>
        </nav>
        <form className="inline-form" onSubmit={find}>
          <label htmlFor="operation-id">Operation number</label>
          <input
            id="operation-id"
            inputMode="numeric"
            value={lookup}
            onChange={(event) => setLookup(event.target.value)}
          />
          <button type="submit" className="button">
            Show
          </button>
        </form>
      </div>
      {openId ? <OneOperation id={openId} onRetried={reload} /> : null}
      <ErrorBanner error={list.error} />
      {list.status === "loading" ? <Loading what="operations" /> : null}
      {list.value && list.value.operations.length === 0 ? <p className="empty">No operation.</p> : null}
      <table hidden={!list.value}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Kind</th>
            <th scope="col">Site</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">
              Created
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.value?.operations ?? []).map((operation) => (
            <tr key={operation.id}>
              <td>
                <Link to={`/admin/operations?id=${operation.id}${isFailedOnly ? "&failed=1" : ""}`}>
                  {operation.id}
                </Link>
              </td>
              <td>{operation.kind}</td>
              <td>{operation.siteName}</td>
              <td>
                <span className={`badge badge-${operation.status}`}>{operation.status}</span>
              </td>
              <td className="hide-narrow">
                <Time iso={operation.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function OneOperation({ id, onRetried }: { id: number; onRetried: () => void }) {
  const api = useApi();
  const [loaded] = useAsync(() => api.operations.get(id), [id]);
  const [operation, setOperation] = useState<OperationView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setOperation(loaded.value ?? null), [loaded.value]);
  const runningId = operation && !isOperationFinished(operation) ? operation.id : null;
  useEffect(() => (runningId === null ? undefined : followOperation(runningId, setOperation)), [runningId]);

  const retry = async () => {
    setError(null);
    try {
      setOperation((await api.operationsAdmin.retry(id)).operation);
      onRetried();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="card" aria-label={`Operation ${id}`}>
      <ErrorBanner error={loaded.error ?? error} />
      {operation ? (
        <>
          <p>
            Site: <Link to={sitePath(operation.siteName)}>{operation.siteName}</Link>
          </p>
          <OperationProgress operation={operation} />
          {operation.status === "failed" ? (
            <button type="button" className="button" onClick={() => void retry()}>
              Retry
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
