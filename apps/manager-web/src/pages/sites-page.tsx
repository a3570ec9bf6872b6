import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { isOperationFinished } from "../api/events";
import { invalidate } from "../api/queries";
import type { OperationView, SiteListItemView, SiteServiceStatus } from "../api/types";
import { Pager } from "../components/pager";
import { SearchForm } from "../components/search-form";
import { ErrorBanner, Loading, StatusDot } from "../components/ui";
import { useApiQueries, useLiveSites, useSession } from "../hooks";
import { pathTo } from "../lib/routes";
import { SiteRevisions } from "../lib/site-revisions";
import {
  hasNextSitePage,
  readSiteListLocation,
  siteListLocation,
  siteListQuery,
  siteListRange,
} from "../lib/site-search";
import { siteDot } from "../lib/site-status";
import { Link, navigate } from "../router";

/**
 * The list itself is read again now and then while the tab is visible (a site someone else created); its sites'
 * states come live.
 */
const listRefreshMs = 30_000;

/** The sites the user can see, with a search box, pages and a live status dot for each. */
export function SitesPage({ search }: { search: string }) {
  const queries = useApiQueries();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const { q, page } = readSiteListLocation(search);
  // Another search or page keeps the list on screen until its own arrives (no flicker).
  const list = useQuery({
    ...queries.siteList(siteListQuery(q, page)),
    placeholderData: keepPreviousData,
    refetchInterval: listRefreshMs,
  });
  const total = list.data?.total ?? 0;
  const reload = useCallback(() => void invalidate.siteLists(queryClient), [queryClient]);
  const { sites, processes } = useLiveStates(list.data?.sites ?? [], reload);

  return (
    <>
      <div className="page-head">
        <h1>Sites</h1>
        <Link to={pathTo("newSite")} className="button button-primary">
          New site
        </Link>
      </div>
      <SearchForm
        label="Search sites"
        placeholder="Search: words, name:, desc:, user:, id:"
        value={q}
        onSearch={(text) => navigate(siteListLocation(text, 0))}
      />
      <ErrorBanner error={list.error} />
      {list.isPending ? <Loading what="your sites" /> : null}
      {list.data && sites.length === 0 ? (
        <p className="empty">
          {q ? "No site matches this search." : "You have no site yet."}{" "}
          {!q && !user.isSuperuser ? <Link to={pathTo("newSite")}>Create your personal site</Link> : null}
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
              <Link to={pathTo("site", { name: site.name })} className="site-name">
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
      <Pager
        previous={page > 0 ? { to: siteListLocation(q, page - 1) } : null}
        next={hasNextSitePage(total, page) ? { to: siteListLocation(q, page + 1) } : null}
      />
    </>
  );
}

/**
 * The listed sites with their operations and process states kept current by the live channel. When an operation
 * seen unfinished ends, or a site's revision grows past the one listed, the list is read again.
 */
function useLiveStates(
  listed: SiteListItemView[],
  reload: () => void,
): { sites: SiteListItemView[]; processes: Record<string, SiteServiceStatus> } {
  const [processes, setProcesses] = useState<Record<string, SiteServiceStatus>>({});
  const [operations, setOperations] = useState<Record<string, OperationView>>({});
  const revisions = useRef(new SiteRevisions());
  useLiveSites(
    listed.map((site) => site.name),
    (message) => {
      if (message.type === "process") setProcesses((current) => ({ ...current, [message.site]: message.status }));
      if (message.type === "site") {
        const shown = listed.find((candidate) => candidate.name === message.site)?.revision ?? message.revision;
        // a description, an availability or members changed: the row shows them
        if (revisions.current.shouldRead(message.site, shown, message.revision)) reload();
      }
      if (message.type !== "operation") return;
      const { site, operation } = message;
      const known = operations[site] ?? listed.find((candidate) => candidate.name === site)?.operation ?? null;
      if (known && operation.id < known.id) return;
      setOperations((current) => ({ ...current, [site]: operation }));
      if (known && known.id === operation.id && !isOperationFinished(known) && isOperationFinished(operation)) reload();
    },
  );
  const sites = listed.map((site) => {
    const live = operations[site.name];
    return live && (site.operation === null || live.id >= site.operation.id) ? { ...site, operation: live } : site;
  });
  return { sites, processes };
}
