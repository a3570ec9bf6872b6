/**
 * The workspace's Process log tab: a dynamic site's process state as it changes (the live channel), its log live,
 * and Restart. The state, the log and the box that follows it are the site page's (site/process-log.tsx).
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { isOperationFinished } from "../../api/events";
import type { OperationView, SiteServiceStatus, SiteView } from "../../api/types";
import { ErrorBanner } from "../../components/ui";
import { useApi, useApiQueries, useLiveSites } from "../../hooks";
import { LogLines, ProcessState, useSiteLog } from "../site/process-log";

/** Restarting a site's process, with the restart operation as the live channel reports it. */
export function useSiteRestart(site: SiteView, canEdit: boolean) {
  const api = useApi();
  const [operation, setOperation] = useState<OperationView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [liveStatus, setLiveStatus] = useState<SiteServiceStatus | undefined>(undefined);
  useLiveSites([site.name], (message) => {
    if (message.type === "process") setLiveStatus(message.status);
    if (message.type === "operation")
      setOperation((current) => (current?.id === message.operation.id ? message.operation : current));
  });
  const canRestart = site.type === "dynamic" && site.isReady && canEdit;
  const isRestarting = operation !== null && !isOperationFinished(operation);
  const restart = useCallback(async () => {
    if (!canRestart || isRestarting) return;
    setError(null);
    try {
      setOperation((await api.sites.restart(site.name)).operation);
    } catch (failure) {
      setError(failure);
    }
  }, [api, canRestart, isRestarting, site.name]);
  return { restart, canRestart, isRestarting, operation, error, liveStatus };
}

export type SiteRestart = ReturnType<typeof useSiteRestart>;

export function ProcessLogPanel({
  site,
  restarter,
  isShown,
}: {
  site: SiteView;
  restarter: SiteRestart;
  isShown: boolean;
}) {
  const read = useQuery(useApiQueries().siteProcess(site.name, site.type));
  const status = restarter.liveStatus ?? read.data;
  const isDynamic = site.type === "dynamic";
  const [isFollowing, setIsFollowing] = useState(true);
  const { lines, ended } = useSiteLog(site.name, {
    tailLines: 200,
    maxLines: 2000,
    isFollowing: isFollowing && isDynamic && site.isReady,
  });
  const { operation } = restarter;

  return (
    <section className="process-panel" aria-label="Process log" hidden={!isShown}>
      {!isDynamic ? (
        <p className="muted">A static site has no process: nginx serves its files as they are.</p>
      ) : (
        <>
          <div className="process-head">
            {status ? <ProcessState status={status} /> : null}
            {operation ? (
              <span className={`badge badge-${operation.status}`} role="status">
                Restart {operation.status}
              </span>
            ) : null}
            <span className="process-actions">
              <button type="button" className="link-button" onClick={() => setIsFollowing((value) => !value)}>
                {isFollowing ? "Pause" : "Follow"}
              </button>
              {restarter.canRestart ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => void restarter.restart()}
                  disabled={restarter.isRestarting}
                  aria-keyshortcuts="Alt+Enter"
                  title="Restart the site's process (Alt+Enter)"
                >
                  Restart
                </button>
              ) : null}
            </span>
          </div>
          <ErrorBanner error={restarter.error ?? (restarter.liveStatus ? null : read.error)} />
          {operation?.error ? <p className="field-error">{operation.error}</p> : null}
          <LogLines lines={lines} label="Process log lines" className="log-lines process-log-lines" />
          {ended ? <p className="muted small">{ended}</p> : null}
        </>
      )}
    </section>
  );
}
