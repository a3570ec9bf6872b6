import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { ReconcileReport, SiteAvailability, SiteLimits, SiteView } from "../../api/types";
import { Pager } from "../../components/pager";
import { ReconcileReportView } from "../../components/reconcile-report";
import { ErrorBanner, Loading, StatusDot } from "../../components/ui";
import { useAction, useApi, useAsync } from "../../hooks";
import { sitePath } from "../../lib/routes";
import { siteDot } from "../../lib/site-status";
import { Link } from "../../router";

const availabilities: SiteAvailability[] = ["enabled", "not-served", "disabled"];

/** Every site, with its availability and resource limits to change; reconcile on demand. */
export function AdminSitesPage() {
  const api = useApi();
  const [page, setPage] = useState(0);
  const [list, reload] = useAsync(() => api.sites.list({ limit: 100, offset: page * 100 }), [page]);
  return (
    <>
      <h1>All sites</h1>
      <ReconcilePanel />
      <ErrorBanner error={list.error} />
      {list.status === "loading" ? <Loading what="sites" /> : null}
      <table className="admin-sites">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Availability</th>
            <th scope="col">Limits</th>
            <th scope="col" className="hide-narrow">
              Comment
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.value?.sites ?? []).map((site) => (
            <tr key={site.id} data-site={site.name}>
              <td>
                <StatusDot dot={siteDot(site, undefined)} isCompact /> <Link to={sitePath(site.name)}>{site.name}</Link>
                <div className="muted small">
                  {site.type} · {site.purpose} · {site.members.join(", ")}
                </div>
              </td>
              <td>
                <AvailabilitySelect site={site} onChanged={reload} />
              </td>
              <td>
                <div className="small">{describeLimits(site)}</div>
                <LimitsForm site={site} />
              </td>
              <td className="hide-narrow">
                <AdminCommentForm site={site} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        previous={page > 0 ? { onClick: () => setPage(page - 1) } : null}
        next={(list.value?.sites.length ?? 0) >= 100 ? { onClick: () => setPage(page + 1) } : null}
      />
    </>
  );
}

function AvailabilitySelect({ site, onChanged }: { site: SiteView; onChanged: () => void }) {
  const api = useApi();
  const { error, run } = useAction();
  const change = (availability: SiteAvailability) =>
    run(async () => {
      await api.sites.setAvailability(site.name, availability);
      onChanged();
    });
  return (
    <>
      <label className="visually-hidden" htmlFor={`availability-${site.id}`}>
        Availability of {site.name}
      </label>
      <select
        id={`availability-${site.id}`}
        value={site.availability}
        onChange={(event) => void change(event.target.value as SiteAvailability)}
      >
        {availabilities.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
      <ErrorBanner error={error} />
    </>
  );
}

/** The site's own limits in words; what is not set is the platform default. */
function describeLimits(site: SiteView): string {
  const { cpus, memoryMib } = site.limits;
  if (cpus === null && memoryMib === null) return "defaults";
  return [
    cpus === null ? "default CPU" : `${cpus} CPU`,
    memoryMib === null ? "default memory" : `${memoryMib} MiB`,
  ].join(" · ");
}

/** The comment the site's members see on its page, even while it is disabled ("" removes it). */
function AdminCommentForm({ site }: { site: SiteView }) {
  const api = useApi();
  const [comment, setComment] = useState(site.adminComment);
  const { error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    setSaved(await run(() => api.sites.setAdminComment(site.name, comment)));
  };
  return (
    <form onSubmit={submit} className="comment-form">
      <label className="visually-hidden" htmlFor={`comment-${site.id}`}>
        Comment for the members of {site.name}
      </label>
      <textarea
        id={`comment-${site.id}`}
        rows={2}
        maxLength={2000}
        value={comment}
        placeholder="none"
        onChange={(event) => setComment(event.target.value)}
      />
      <ErrorBanner error={error} />
      <button type="submit" className="button">
        Save comment
      </button>
      {saved ? <span role="status"> Saved.</span> : null}
    </form>
  );
}

/** Empty field: the platform default (null); the API checks ranges and names the field that is wrong. */
function LimitsForm({ site }: { site: SiteView }) {
  const api = useApi();
  const [cpus, setCpus] = useState("");
  const [memoryMib, setMemoryMib] = useState("");
  const { error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const fields = fieldErrorsOf(error);
  const toLimit = (text: string) => (text.trim() === "" ? null : Number(text));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const limits: SiteLimits = { cpus: toLimit(cpus), memoryMib: toLimit(memoryMib) };
    setSaved(await run(() => api.sites.setLimits(site.name, limits)));
  };

  return (
    <details>
      <summary>Set limits</summary>
      <form onSubmit={submit} className="limits-form">
        <label>
          CPUs
          <input
            inputMode="decimal"
            value={cpus}
            placeholder="default"
            onChange={(event) => setCpus(event.target.value)}
          />
        </label>
        {fields.cpus ? <p className="field-error">{fields.cpus}</p> : null}
        <label>
          Memory (MiB)
          <input
            inputMode="numeric"
            value={memoryMib}
            placeholder="default"
            onChange={(event) => setMemoryMib(event.target.value)}
          />
        </label>
        {fields.memoryMib ? <p className="field-error">{fields.memoryMib}</p> : null}
        <ErrorBanner error={formLevelError(error, ["cpus", "memoryMib"])} />
        <button type="submit" className="button">
          Save
        </button>
        {saved ? <span role="status"> Saved; the site restarts with them.</span> : null}
      </form>
    </details>
  );
}

function ReconcilePanel() {
  const api = useApi();
  const [report, setReport] = useState<ReconcileReport | null>(null);
  const { error, isBusy, run } = useAction();
  const check = (isDryRun: boolean) => run(async () => setReport(await api.admin.reconcile({ isDryRun })));
  return (
    <section className="card" aria-labelledby="reconcile">
      <h2 id="reconcile">Reconcile</h2>
      <p className="muted">Compares Docker, nginx and the site directories with the database.</p>
      <div className="actions">
        <button type="button" className="button" disabled={isBusy} onClick={() => void check(true)}>
          Check
        </button>
        <button type="button" className="button" disabled={isBusy} onClick={() => void check(false)}>
          Check and repair
        </button>
      </div>
      <ErrorBanner error={error} />
      {report ? <ReconcileReportView report={report} /> : null}
    </section>
  );
}
