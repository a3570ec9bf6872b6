import { useEffect, useState } from "react";
import { followOperation, isOperationFinished } from "../../api/events";
import type { OperationFilter, OperationView, ReconcileReport } from "../../api/types";
import { OperationProgress } from "../../components/operation-progress";
import { Pager } from "../../components/pager";
import { ReconcileReportView } from "../../components/reconcile-report";
import { SearchForm } from "../../components/search-form";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useAction, useApi, useAsync, useInterval } from "../../hooks";
import { sitePath } from "../../lib/routes";
import { Link, navigate } from "../../router";

const pageSize = 50;
/** While an operation of the page runs, the list is read again this often (its SSE stream shows the open one). */
const busyRefreshMs = 3_000;

/** `/admin/operations?status=failed&page=2&id=12`: the filter, the 0-based page and the operation opened. */
function readLocation(search: string): { status: OperationFilter; page: number; openId: number | null } {
  const params = new URLSearchParams(search);
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    status: params.get("status") === "failed" ? "failed" : "all",
    page: Number.isFinite(page) && page > 1 ? page - 1 : 0,
    openId: Number(params.get("id") ?? "") || null,
  };
}

function operationsLocation(status: OperationFilter, page: number, openId: number | null = null): string {
  const params = new URLSearchParams();
  if (status === "failed") params.set("status", "failed");
  if (page > 0) params.set("page", String(page + 1));
  if (openId !== null) params.set("id", String(openId));
  const text = params.toString();
  return text === "" ? "/admin/operations" : `/admin/operations?${text}`;
}

/** Operations, all or failed, newest first, with their step log; retry a failed one; look one up by its number. */
export function AdminOperationsPage({ search }: { search: string }) {
  const api = useApi();
  const { status, page, openId } = readLocation(search);
  const [list, reload] = useAsync(
    (signal) => api.operations.list({ status, limit: pageSize, offset: page * pageSize }, signal),
    [status, page],
  );
  const listAction = useAction();
  /** bumped by a retry from the list, so the open operation is read again even when it was open already */
  const [retries, setRetries] = useState(0);
  const operations = list.value?.operations ?? [];
  const total = list.value?.total ?? 0;
  useInterval(reload, operations.some((operation) => !isOperationFinished(operation)) ? busyRefreshMs : null);

  const find = (text: string) => {
    const id = Number(text);
    if (Number.isInteger(id) && id > 0) navigate(operationsLocation(status, page, id));
  };

  /** Queues the operation again, then opens it: its page follows the new run live. */
  const retry = (id: number) =>
    listAction.run(async () => {
      await api.operations.retry(id);
      setRetries((count) => count + 1);
      navigate(operationsLocation(status, page, id));
      reload();
    });

  return (
    <>
      <h1>Operations</h1>
      <div className="toolbar">
        <nav aria-label="Which operations" className="tabs">
          <Link to={operationsLocation("all", 0)} aria-current={status === "all" ? "page" : undefined}>
            All
          </Link>
          <Link to={operationsLocation("failed", 0)} aria-current={status === "failed" ? "page" : undefined}>
            Failed
          </Link>
        </nav>
        <SearchForm
          label="Find an operation by its number"
          placeholder="Operation number"
          value={openId ? String(openId) : ""}
          onSearch={find}
          submitLabel="Show"
          isNumeric
        />
      </div>
      {openId ? <OneOperation key={`${openId}-${retries}`} id={openId} onChange={reload} /> : null}
      <ErrorBanner error={list.error ?? listAction.error} />
      {list.status === "loading" ? <Loading what="operations" /> : null}
      {list.value ? (
        <p className="muted" role="status">
          {total === 0
            ? status === "failed"
              ? "No operation failed."
              : "No operation yet."
            : `${total} ${status === "failed" ? "failed " : ""}operation${total === 1 ? "" : "s"}, newest first.`}
        </p>
      ) : null}
      <table hidden={!list.value || operations.length === 0}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Kind</th>
            <th scope="col">Site</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">
              Created
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {operations.map((operation) => (
            <tr key={operation.id} data-operation-id={operation.id}>
              <td>
                <Link
                  to={operationsLocation(status, page, operation.id)}
                  aria-label={`Operation ${operation.id}: steps`}
                >
                  {operation.id}
                </Link>
              </td>
              <td>{operation.kind.replaceAll("_", " ")}</td>
              <td>{operation.siteName}</td>
              <td>
                <span className={`badge badge-${operation.status}`}>{operation.status}</span>
                {operation.error ? <div className="muted small">{operation.error}</div> : null}
              </td>
              <td className="hide-narrow">
                <Time iso={operation.createdAt} />
              </td>
              <td>
                {operation.status === "failed" ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => void retry(operation.id)}
                    aria-label={`Retry operation ${operation.id}`}
                  >
                    Retry
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        previous={page > 0 ? { to: operationsLocation(status, page - 1) } : null}
        next={(page + 1) * pageSize < total ? { to: operationsLocation(status, page + 1) } : null}
        labels={["← Newer", "Older →"]}
      />
    </>
  );
}

/**
 * One operation's step log, followed live while it runs. A failed one can be retried from its failed step, or its
 * site checked and repaired (reconcile: whatever of Docker, nginx and the files is out of line with the database).
 */
function OneOperation({ id, onChange }: { id: number; onChange: () => void }) {
  const api = useApi();
  const [loaded] = useAsync(() => api.operations.get(id), [id]);
  const [operation, setOperation] = useState<OperationView | null>(null);
  const { error, isBusy, run } = useAction();
  const [repair, setRepair] = useState<ReconcileReport | null>(null);
  useEffect(() => setOperation(loaded.value ?? null), [loaded.value]);
  const runningId = operation && !isOperationFinished(operation) ? operation.id : null;
  useEffect(() => {
    if (runningId === null) return;
    return followOperation(runningId, (next) => {
      setOperation(next);
      if (isOperationFinished(next)) onChange();
    });
  }, [runningId, onChange]);

  const retry = () =>
    run(async () => {
      setOperation((await api.operations.retry(id)).operation);
      onChange();
    });

  const checkAndRepair = (site: string) =>
    run(async () => {
      setRepair(await api.admin.reconcile({ site, isDryRun: false }));
      onChange();
    });

  return (
    <section className="card" aria-label={`Operation ${id}`}>
      <ErrorBanner error={loaded.error ?? error} />
      {operation ? (
        <>
          <p>
            Site:{" "}
            {operation.siteId !== null ? (
              <Link to={sitePath(operation.siteName)}>{operation.siteName}</Link>
            ) : (
              operation.siteName
            )}
          </p>
          <OperationProgress operation={operation} />
          {operation.status === "failed" ? (
            <div className="actions">
              <button type="button" className="button button-primary" onClick={() => void retry()}>
                Retry from the failed step
              </button>
              {operation.siteId !== null ? (
                <button
                  type="button"
                  className="button"
                  disabled={isBusy}
                  onClick={() => void checkAndRepair(operation.siteName)}
                >
                  Check and repair {operation.siteName}
                </button>
              ) : null}
            </div>
          ) : null}
          {repair ? <ReconcileReportView report={repair} /> : null}
        </>
      ) : null}
    </section>
  );
}
