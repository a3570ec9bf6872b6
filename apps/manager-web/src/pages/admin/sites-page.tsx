import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { invalidate } from "../../api/queries";
import type { ReconcileReport, SiteAvailability, SiteLimits, SiteListItemView } from "../../api/types";
import { Pager } from "../../components/pager";
import { ReconcileReportView } from "../../components/reconcile-report";
import { ErrorBanner, Loading, StatusDot } from "../../components/ui";
import { useAction, useApi, useApiQueries } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { siteDot } from "../../lib/site-status";
import { Link } from "../../router";

const availabilities: SiteAvailability[] = ["enabled", "not-served", "disabled"];

/**
 * Every site, with its availability and resource limits to change; reconcile on demand. A change reads the list
 * again (and the site's own page, wherever it is open in this tab).
 */
export function AdminSitesPage() {
  const [page, setPage] = useState(0);
  const list = useQuery({
    ...useApiQueries().siteList({ limit: 100, offset: page * 100 }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <h1>All sites</h1>
      <ReconcilePanel />
      <ErrorBanner error={list.error} />
      {list.isPending ? <Loading what="sites" /> : null}
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
          {(list.data?.sites ?? []).map((site) => (
            <tr key={site.id} data-site={site.name}>
              <td>
                <StatusDot dot={siteDot(site, undefined)} isCompact />{" "}
                <Link to={pathTo("site", { name: site.name })}>{site.name}</Link>
                <div className="muted small">
                  {site.type} · {site.purpose} · {site.members.join(", ")}
                </div>
              </td>
              <td>
                <AvailabilitySelect site={site} />
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
        next={(list.data?.sites.length ?? 0) >= 100 ? { onClick: () => setPage(page + 1) } : null}
      />
    </>
  );
}

/** Runs a change of `site` and then marks what shows the site stale; resolves whether the change succeeded. */
function useSiteChange(site: SiteListItemView) {
  const queryClient = useQueryClient();
  const action = useAction();
  const change = async (work: () => Promise<unknown>) => {
    const isDone = await action.run(work);
    if (isDone) void invalidate.site(queryClient, site.name);
    return isDone;
  };
  return { ...action, run: change };
}

function AvailabilitySelect({ site }: { site: SiteListItemView }) {
  const api = useApi();
  const { error, run } = useSiteChange(site);
  const change = (availability: SiteAvailability) => run(() => api.sites.setAvailability(site.name, availability));
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
function describeLimits(site: SiteListItemView): string {
  const { cpus, memoryMib } = site.limits;
  if (cpus === null && memoryMib === null) return "defaults";
  return [
    cpus === null ? "default CPU" : `${cpus} CPU`,
    memoryMib === null ? "default memory" : `${memoryMib} MiB`,
  ].join(" · ");
}

/** The comment the site's members see on its page, even while it is disabled ("" removes it). */
function AdminCommentForm({ site }: { site: SiteListItemView }) {
  const api = useApi();
  const [comment, setComment] = useState(site.adminComment);
  const { error, run } = useSiteChange(site);
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
function LimitsForm({ site }: { site: SiteListItemView }) {
  const api = useApi();
  const [cpus, setCpus] = useState("");
  const [memoryMib, setMemoryMib] = useState("");
  const { error, run } = useSiteChange(site);
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
