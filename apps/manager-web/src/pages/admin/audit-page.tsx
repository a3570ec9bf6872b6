import { type FormEvent, useState } from "react";
import type { AuditQuery } from "../../api/types";
import { Pager } from "../../components/pager";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApi, useAsync } from "../../hooks";
import { formatAuditDetails } from "../../lib/format";

const pageSize = 100;
type Filters = Pick<AuditQuery, "actor" | "site" | "action">;

/** Who did what, newest first, filtered by who, which site and which action; older pages by the API's cursor. */
export function AdminAuditPage() {
  const api = useApi();
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  /** `before` of each page seen so far: [undefined (the newest), nextBefore of page 1, …] */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const before = cursors.at(-1);
  const [events] = useAsync(
    () => api.admin.audit({ ...filters, limit: pageSize, ...(before ? { before } : {}) }),
    [filters, before],
  );
  const nextBefore = events.value?.nextBefore ?? null;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = Object.fromEntries(
      Object.entries(draft)
        .map(([key, value]) => [key, value?.trim() ?? ""])
        .filter(([, value]) => value !== ""),
    ) as Filters;
    setFilters(trimmed);
    setCursors([undefined]);
  };

  const filterField = (key: keyof Filters, label: string, placeholder: string) => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        placeholder={placeholder}
        autoCapitalize="none"
        spellCheck={false}
        value={draft[key] ?? ""}
        onChange={(event) => setDraft((current) => ({ ...current, [key]: event.target.value }))}
      />
    </div>
  );

  return (
    <>
      <h1>Audit log</h1>
      <search>
        <form className="inline-form" onSubmit={apply}>
          {filterField("actor", "Who", "username")}
          {filterField("site", "Site", "site name")}
          {filterField("action", "Action", "site. or site.create")}
          <button type="submit" className="button">
            Filter
          </button>
        </form>
      </search>
      <ErrorBanner error={events.error} />
      {events.status === "loading" ? <Loading what="the audit log" /> : null}
      {events.value && events.value.events.length === 0 ? <p className="empty">Nothing was recorded.</p> : null}
      <table hidden={!events.value}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">On</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {(events.value?.events ?? []).map((entry) => (
            <tr key={entry.id}>
              <td>
                <Time iso={entry.at} />
              </td>
              <td>{entry.actor ?? <span className="muted">Director</span>}</td>
              <td>{entry.action}</td>
              <td>{entry.target}</td>
              <td className="small">{formatAuditDetails(entry.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        previous={cursors.length > 1 ? { onClick: () => setCursors(cursors.slice(0, -1)) } : null}
        next={nextBefore ? { onClick: () => setCursors([...cursors, nextBefore]) } : null}
        labels={["← Newer", "Older →"]}
      />
    </>
  );
}
