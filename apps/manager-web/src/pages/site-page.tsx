import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { isOperationFinished } from "../api/events";
import { invalidate } from "../api/queries";
import type { OperationView, SiteServiceStatus, SiteView } from "../api/types";
import { OperationProgress } from "../components/operation-progress";
import { ErrorBanner, Loading, StatusDot, Time } from "../components/ui";
import { useApiQueries, useLiveSites, useSession } from "../hooks";
import { pathTo } from "../lib/routes";
import { SiteRevisions } from "../lib/site-revisions";
import { siteDot } from "../lib/site-status";
import { Link } from "../router";
import { DeleteSite } from "./site/delete-site";
import { SiteDatabase } from "./site/site-database";
import { SiteDomains } from "./site/site-domains";
import { SiteFiles } from "./site/site-files";
import { SiteImage } from "./site/site-image";
import { SiteMembers } from "./site/site-members";
import { SiteProcess } from "./site/site-process";
import { SiteSettings } from "./site/site-settings";
import { SiteSshFact } from "./site/site-ssh";
import { SiteTransfer } from "./site/site-transfer";
import { SiteUsage } from "./site/site-usage";
import { SiteVariables } from "./site/site-variables";

/** One site: what it is, the operation in progress (live), its process and log, files, members. */
export function SitePage({ name }: { name: string }) {
  const queries = useApiQueries();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const loaded = useQuery(queries.site(name));
  /** reads again what the page shows of the site (itself, members, process, files): an operation or a change ended */
  const reload = useCallback(() => void invalidate.site(queryClient, name), [queryClient, name]);
  const [operation, setOperation] = useState<OperationView | null>(null);
  /** operations this page saw running: shown to their end, while an old success stays out of the way */
  const [watchedIds, setWatchedIds] = useState<ReadonlySet<number>>(new Set());
  const [process, setProcess] = useState<SiteServiceStatus | undefined>(undefined);
  /**
   * The operation shown. The live channel's messages come in the order of the database, so any of them replaces
   * it unless it is an older operation; a read of the site (which may have started earlier) only brings a newer one.
   */
  const shown = useRef<OperationView | null>(null);
  /** operations seen unfinished: when one of them ends, the site is read again (it may be ready now, have new files) */
  const runningIds = useRef(new Set<number>());
  const site = loaded.data;

  const show = useCallback(
    (next: OperationView, isLive: boolean) => {
      const current = shown.current;
      if (current && (isLive ? next.id < current.id : next.id <= current.id)) return;
      shown.current = next;
      setOperation(next);
      if (!isOperationFinished(next)) {
        runningIds.current.add(next.id);
        setWatchedIds((current) => (current.has(next.id) ? current : new Set(current).add(next.id)));
      } else if (runningIds.current.delete(next.id)) {
        reload();
      }
    },
    [reload],
  );

  useEffect(() => {
    if (site?.operation) show(site.operation, false);
  }, [site, show]);

  const revisions = useRef(new SiteRevisions());

  // The live channel brings the site's operations as they progress, its process state as it changes, and its
  // revision: a newer one (an administrator's comment, a member added) means reading the site again.
  useLiveSites([name], (message) => {
    if (message.type === "process") setProcess(message.status);
    if (message.type === "operation") show(message.operation, true);
    if (
      message.type === "site" &&
      site &&
      revisions.current.shouldRead(message.site, site.revision, message.revision)
    ) {
      reload();
    }
  });

  const onOperation = useCallback((queued: OperationView) => show(queued, false), [show]);
  /** the process component's first read shows in the dot until the live channel has said something */
  const onFirstStatus = useCallback((status: SiteServiceStatus) => setProcess((current) => current ?? status), []);

  if (loaded.isPending) return <Loading what={`site ${name}`} />;
  if (!site) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorBanner error={loaded.error} />
      </>
    );
  }
  const canEdit = user.isSuperuser || site.availability !== "disabled";
  // the site policy's manage_members: a personal site's members are managed by its owner only
  const canManageMembers =
    user.isSuperuser || (canEdit && (site.purpose !== "personal" || site.name === user.username));
  const current = { ...site, operation };
  return (
    <>
      <div className="page-head">
        <h1>{site.name}</h1>
        <StatusDot dot={siteDot(current, process)} />
        {canEdit && site.isReady ? (
          <Link className="button button-primary" to={pathTo("siteWorkspace", { name: site.name })}>
            Open workspace
          </Link>
        ) : null}
      </div>
      <AvailabilityNotice site={site} isAdmin={user.isSuperuser} />
      {/* a later read that failed (the site went away, the manager restarts): said above what was read before */}
      <ErrorBanner error={loaded.error} />
      {operation && (operation.status !== "succeeded" || watchedIds.has(operation.id)) ? (
        <OperationProgress operation={operation} />
      ) : null}
      <div className="grid">
        <section className="card" aria-labelledby="site-info">
          <h2 id="site-info">About</h2>
          <dl className="facts">
            <dt>Address</dt>
            <dd>
              {site.availability === "enabled" ? (
                <a href={site.url} target="_blank" rel="noreferrer">
                  {site.url}
                </a>
              ) : (
                <span className="muted">{site.url} (not served)</span>
              )}
            </dd>
            <dt>Type</dt>
            <dd>{site.type}</dd>
            <dt>Purpose</dt>
            <dd>{site.purpose}</dd>
            <dt>Description</dt>
            <dd>{site.description || <span className="muted">—</span>}</dd>
            <dt>Image</dt>
            <dd>
              {site.image ?? "default"}
              {site.packages.length > 0 ? ` + ${site.packages.join(", ")}` : ""}
            </dd>
            <dt>Created</dt>
            <dd>
              <Time iso={site.createdAt} />
            </dd>
            {canEdit && site.isReady ? <SiteSshFact site={site.name} username={user.username} /> : null}
          </dl>
        </section>
        <SiteProcess
          site={site}
          canEdit={canEdit}
          onOperation={onOperation}
          liveStatus={process}
          onStatus={onFirstStatus}
        />
        {site.type === "dynamic" ? <SiteImage site={site} canEdit={canEdit} onOperation={onOperation} /> : null}
        <SiteMembers site={site} canEdit={canEdit} />
        {canManageMembers ? <SiteTransfer site={site} /> : null}
        <SiteDomains site={site} canEdit={canEdit} />
        {site.isReady ? <SiteDatabase site={site} canEdit={canEdit} onOperation={onOperation} /> : null}
        {site.isReady && canEdit ? <SiteVariables site={site} onOperation={onOperation} /> : null}
        {site.isReady && canEdit ? <SiteSettings site={site} onOperation={onOperation} onChanged={reload} /> : null}
      </div>
      {site.isReady ? <SiteUsage site={site.name} /> : null}
      {site.isReady ? <SiteFiles site={site} canEdit={canEdit} /> : null}
      {user.isSuperuser || (site.purpose === "personal" && canEdit) ? <DeleteSite site={site} /> : null}
    </>
  );
}

/** Told to the site's owners (and administrators) when the site is not served or disabled, with the admins' comment. */
function AvailabilityNotice({ site, isAdmin }: { site: SiteView; isAdmin: boolean }) {
  const comment =
    site.adminComment === "" ? null : (
      <p data-notice="admin-comment">
        <strong>From the administrators:</strong> {site.adminComment}
      </p>
    );
  if (site.availability === "enabled") {
    return comment === null ? null : (
      <div className="banner banner-warning" role="status">
        {comment}
      </div>
    );
  }
  const isDisabled = site.availability === "disabled";
  return (
    <div
      className={`banner ${isDisabled ? "banner-error" : "banner-warning"}`}
      role="status"
      data-notice="availability"
    >
      <strong>{isDisabled ? "This site is disabled." : "This site is not served."}</strong>{" "}
      {isDisabled
        ? "An administrator disabled it: visitors cannot open it and its files cannot be changed. Ask an administrator if you think this is a mistake."
        : "An administrator stopped serving it: visitors cannot open it, but you can still work on its files."}
      {isAdmin ? " (You see this page as an administrator; change it under All sites.)" : ""}
      {comment}
    </div>
  );
}
