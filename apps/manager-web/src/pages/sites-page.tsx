import { type FormEvent, useEffect, useState } from "react";
import type { SiteServiceStatus, SiteView } from "../api/core";
import { ErrorBanner, Loading, StatusDot } from "../components/ui";
import { useApi, useAsync, useInterval, useSession } from "../hooks";
import { sitePath } from "../lib/routes";
import {
  hasNextSitePage,
  readSiteListLocation,
  siteListLocation,
  siteListQuery,
  siteListRange,
} from "../lib/site-search";
import { needsProcessStatus, siteDot } from "../lib/site-status";
import { Link, navigate } from "../router";

/** While something is being set up the list refreshes often; otherwise rarely. Process states: every 15 s. */
const busyRefreshMs = 3_000;
const idleRefreshMs = 30_000;
const processRefreshMs = 15_000;

/** The sites the user can see, with a search box, pages and a live status dot for each. */
export function SitesPage({ search }: { search: string }) {
  const api = useApi();
  const { user } = useSession();
  const { q, page } = readSiteListLocation(search);
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const [list, reload] = useAsync((signal) => api.sites.list(siteListQuery(q, page), signal), [q, page]);
  const sites = list.value?.sites ?? [];
  const total = list.value?.total ?? 0;
  const processes = useProcessStates(sites);
  const isBusy = sites.some((site) => siteDot(site, undefined).state === "busy");
  useInterval(reload, isBusy ? busyRefreshMs : idleRefreshMs);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(siteListLocation(draft, 0));
  };

  return (
    <>
      <div className="page-head">
        <h1>Sites</h1>
        <Link to="/sites/new" className="button button-primary">
          New site
        </Link>
      </div>
      <search>
        <form className="search" onSubmit={submit}>
          <label htmlFor="site-search" className="visually-hidden">
            Search sites
          </label>
          <input
            id="site-search"
            type="search"
            placeholder="Search: words, name:, desc:, user:, id:"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className="button">
            Search
          </button>
        </form>
      </search>
      <ErrorBanner error={list.error} />
      {list.status === "loading" ? <Loading what="your sites" /> : null}
      {list.value && sites.length === 0 ? (
        <p className="empty">
          {q ? "No site matches this search." : "You have no site yet."}{" "}
          {!q && !user.isSuperuser ? <Link to="/sites/new">Create your personal site</Link> : null}
        </p>
      ) : null}
      {sites.length > 0 ? (
        <p className="muted small" role="status">
          {siteListRange(total, page, sites.length)}
        </p>
      ) : null}
      <ul className="site-list" aria-label="Sites">
        {sites.map((site) => (
          <li key={site.id} className="site-card">
            <StatusDot dot={siteDot(site, processes[site.name])} isCompact />
            <div className="site-card-body">
              <Link to={sitePath(site.name)} className="site-name">
                {site.name}
              </Link>
              <span className="muted small">
                {site.type} · {site.purpose}
                {site.availability !== "enabled" ? ` · ${site.availability}` : ""}
              </span>
              {site.description ? <p className="site-description">{site.description}</p> : null}
            </div>
            <span className="site-state small">{siteDot(site, processes[site.name]).label}</span>
          </li>
        ))}
      </ul>
      <nav className="pager" aria-label="Pages">
        {page > 0 ? <Link to={siteListLocation(q, page - 1)}>← Previous</Link> : <span />}
        {hasNextSitePage(total, page) ? <Link to={siteListLocation(q, page + 1)}>Next →</Link> : null}
      </nav>
    </>
  );
}

/** Polls the process state of the listed dynamic sites that run (a handful of small GETs, only while visible). */
function useProcessStates(sites: SiteView[]): Record<string, SiteServiceStatus> {
  const api = useApi();
  const [states, setStates] = useState<Record<string, SiteServiceStatus>>({});
  const [tick, setTick] = useState(0);
  useInterval(() => setTick((value) => value + 1), processRefreshMs);
  const names = sites
    .filter(needsProcessStatus)
    .map((site) => site.name)
    .join(",");
  useEffect(() => {
    if (names === "") return;
    const abort = new AbortController();
    for (const name of names.split(",")) {
      api.sites.process(name, abort.signal).then(
        (status) => setStates((current) => ({ ...current, [name]: status })),
        () => {}, // a site we cannot ask about keeps its "checking…" dot; the site page shows the error
      );
    }
    return () => abort.abort();
  }, [api, names, tick]);
  return states;
}
