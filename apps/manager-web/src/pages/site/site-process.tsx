import { useEffect, useRef, useState } from "react";
import { followSiteLog } from "../../api/events";
import type { OperationView, SiteServiceStatus, SiteView } from "../../api/types";
import { ErrorBanner } from "../../components/ui";
import { useApi, useAsync } from "../../hooks";

/** The live log keeps this many lines on screen. */
const maxLogLines = 500;

const stateWords: Record<SiteServiceStatus["state"], string> = {
  running: "Running",
  starting: "Starting",
  stopped: "Stopped",
  failed: "Failed",
  absent: "No process",
};

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
  const [read] = useAsync(() => api.sites.process(site.name), [site.name, site.type]);
  const [error, setError] = useState<unknown>(null);
  const { onStatus } = props;
  useEffect(() => {
    if (read.value) onStatus(read.value);
  }, [read.value, onStatus]);
  const status = { value: liveStatus ?? read.value, error: liveStatus ? undefined : read.error };

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
      {status.value ? (
        <p data-process-state={status.value.state}>
          <strong>{stateWords[status.value.state]}</strong>
          {status.value.message ? <span className="muted"> — {status.value.message}</span> : null}
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
  const [lines, setLines] = useState<string[]>([]);
  const [ended, setEnded] = useState<string | null>(null);
  const [isFollowing, setIsFollowing] = useState(true);
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (!isFollowing) return;
    setEnded(null);
    return followSiteLog(name, 100, {
      onOpen: () => setLines([]), // each (re)connection starts again with the last 100 lines
      onLine: (text) => setLines((current) => [...current.slice(-(maxLogLines - 1)), text]),
      onEnd: (reason) => setEnded(reason),
    });
  }, [name, isFollowing]);

  // Keeps the newest line in view unless the reader scrolled up.
  useEffect(() => {
    const element = box.current;
    if (element && element.scrollHeight - element.scrollTop - element.clientHeight < 80) {
      element.scrollTop = element.scrollHeight;
    }
  }, [lines]);

  return (
    <div className="log">
      <div className="log-head">
        <h3>Log</h3>
        <button type="button" className="link-button" onClick={() => setIsFollowing((value) => !value)}>
          {isFollowing ? "Pause" : "Follow"}
        </button>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1) */}
      <pre ref={box} className="log-lines" tabIndex={0} title="Process log">
        {lines.length === 0 ? "No output yet." : lines.join("\n")}
      </pre>
      {ended ? <p className="muted small">{ended}</p> : null}
    </div>
  );
}
