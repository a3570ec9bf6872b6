import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { OperationView, SiteServiceStatus, SiteView } from "../../api/types";
import { ErrorBanner } from "../../components/ui";
import { useApi, useApiQueries } from "../../hooks";
import { LogLines, ProcessState, useSiteLog } from "./process-log";

/**
 * A dynamic site's process: its state (read once, then kept current by the page's live channel), restart, and its
 * log live. Static sites say they have none.
 */
export function SiteProcess(props: {
  site: SiteView;
  canEdit: boolean;
  onOperation: (operation: OperationView) => void;
  /** the state the live channel brought last, newer than the first read */
  liveStatus: SiteServiceStatus | undefined;
  /** told the first read, so the page's status dot can show it before the live channel speaks */
  onStatus: (status: SiteServiceStatus) => void;
}) {
  const { site, liveStatus } = props;
  const api = useApi();
  const read = useQuery(useApiQueries().siteProcess(site.name, site.type));
  const [error, setError] = useState<unknown>(null);
  const { onStatus } = props;
  useEffect(() => {
    if (read.data) onStatus(read.data);
  }, [read.data, onStatus]);
  const status = { value: liveStatus ?? read.data, error: liveStatus ? undefined : read.error };

  const restart = async () => {
    setError(null);
    try {
      const { operation } = await api.sites.restart(site.name);
      props.onOperation(operation);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="card" aria-labelledby="site-process">
      <h2 id="site-process">Process</h2>
      {status.value ? <ProcessState status={status.value} /> : null}
      {site.type === "dynamic" ? (
        <p className="muted small">
          Director runs your site's run.sh. <a href="/docs/dynamic-sites">Writing run.sh for Node.js, Python, PHP…</a>
        </p>
      ) : null}
      <ErrorBanner error={status.error ?? error} />
      {site.type === "dynamic" && props.canEdit ? (
        <button type="button" className="button" onClick={() => void restart()} disabled={!site.isReady}>
          Restart
        </button>
      ) : null}
      {site.type === "dynamic" && site.isReady ? <LiveLog name={site.name} /> : null}
    </section>
  );
}

function LiveLog({ name }: { name: string }) {
  const [isFollowing, setIsFollowing] = useState(true);
  const { lines, ended } = useSiteLog(name, { tailLines: 100, maxLines: 500, isFollowing });
  return (
    <div className="log">
      <div className="log-head">
        <h3>Log</h3>
        <button type="button" className="link-button" onClick={() => setIsFollowing((value) => !value)}>
          {isFollowing ? "Pause" : "Follow"}
        </button>
      </div>
      <LogLines lines={lines} label="Process log" />
      {ended ? <p className="muted small">{ended}</p> : null}
    </div>
  );
}
