/**
 * What the site page's Process card and the workspace's Process log tab share: the process state in words, the live
 * log of a dynamic site's process, and the box that shows it and keeps its newest line in view.
 */
import { type RefObject, useEffect, useRef, useState } from "react";
import { followSiteLog } from "../../api/events";
import type { SiteServiceStatus } from "../../api/types";

/** A process state in words. */
export const processStateWords: Record<SiteServiceStatus["state"], string> = {
  running: "Running",
  starting: "Starting",
  stopped: "Stopped",
  failed: "Failed",
  absent: "No process",
};

/** The state and its message, as the site's pages show it. */
export function ProcessState({ status }: { status: SiteServiceStatus }) {
  return (
    <p data-process-state={status.state}>
      <strong>{processStateWords[status.state]}</strong>
      {status.message ? <span className="muted"> — {status.message}</span> : null}
    </p>
  );
}

/**
 * Follows the site's log while `isFollowing`: the last `tailLines` lines, then each new one, at most `maxLines` kept.
 * `ended` says why the stream stopped for good (no process, a failure), null while it runs.
 */
export function useSiteLog(
  name: string,
  options: { tailLines: number; maxLines: number; isFollowing: boolean },
): { lines: string[]; ended: string | null } {
  const { tailLines, maxLines, isFollowing } = options;
  const [lines, setLines] = useState<string[]>([]);
  const [ended, setEnded] = useState<string | null>(null);
  useEffect(() => {
    if (!isFollowing) return;
    setEnded(null);
    return followSiteLog(name, tailLines, {
      onOpen: () => setLines([]), // each (re)connection starts again with the last lines
      onLine: (text) => setLines((current) => [...current.slice(-(maxLines - 1)), text]),
      onEnd: (reason) => setEnded(reason),
    });
  }, [name, tailLines, maxLines, isFollowing]);
  return { lines, ended };
}

/** How close to the bottom (in pixels) a reader counts as following it. */
const followSlackPx = 80;

/** Keeps the newest line of `box` in view whenever `lines` change, unless the reader scrolled up. */
export function useFollowBottom(box: RefObject<HTMLElement | null>, lines: readonly string[]): void {
  useEffect(() => {
    const element = box.current;
    if (element && element.scrollHeight - element.scrollTop - element.clientHeight < followSlackPx) {
      element.scrollTop = element.scrollHeight;
    }
  }, [box, lines]);
}

/** A log's lines in a scrolling monospace box that follows the bottom, reachable by keyboard. */
export function LogLines(props: { lines: readonly string[]; label: string; className?: string }) {
  const box = useRef<HTMLPreElement>(null);
  useFollowBottom(box, props.lines);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1)
    <pre ref={box} className={props.className ?? "log-lines"} tabIndex={0} title={props.label}>
      {props.lines.length === 0 ? "No output yet." : props.lines.join("\n")}
    </pre>
  );
}
