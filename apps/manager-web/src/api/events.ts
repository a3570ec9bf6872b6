/**
 * Server-Sent Events of the manager: an operation's progress and a site's live log. EventSource sends the
 * session cookie (same origin) and reconnects by itself after a dropped connection, so each follower closes
 * it once the stream's last event has come (otherwise it would reopen a finished stream forever).
 */
import { queryString } from "./http";
import { routeUrl } from "./route-call";
import type { OperationView } from "./types";

export const isOperationFinished = (operation: Pick<OperationView, "status">) =>
  operation.status === "succeeded" || operation.status === "failed";

/** Follows `/api/operations/:id/events`: calls `onChange` with each new view; returns the function that stops. */
export function followOperation(id: number, onChange: (operation: OperationView) => void): () => void {
  const source = new EventSource(routeUrl("operations", "events", { id }));
  source.addEventListener("operation", (event) => {
    const operation = JSON.parse((event as MessageEvent<string>).data) as OperationView;
    onChange(operation);
    if (isOperationFinished(operation)) source.close();
  });
  return () => source.close();
}

export interface LogFollower {
  /** the stream (re)opened: it starts again with the last lines, so whatever is on screen is replaced */
  onOpen(): void;
  onLine(text: string): void;
  /** the stream ended for good (no process) or failed; the reason in words */
  onEnd(reason: string): void;
}

/** Follows `/api/sites/:name/logs/events`: the last `tailLines` lines, then each new one. */
export function followSiteLog(name: string, tailLines: number, follower: LogFollower): () => void {
  const source = new EventSource(`${routeUrl("process", "followLogs", { name })}${queryString({ tailLines })}`);
  source.addEventListener("open", () => follower.onOpen());
  source.addEventListener("line", (event) => {
    follower.onLine((JSON.parse((event as MessageEvent<string>).data) as { text: string }).text);
  });
  source.addEventListener("end", (event) => {
    source.close();
    follower.onEnd((JSON.parse((event as MessageEvent<string>).data) as { reason: string }).reason);
  });
  // A named "error" event comes from the server (a component unreachable); a plain one from the connection,
  // which EventSource retries by itself unless the server refused the request outright (then it is CLOSED).
  source.addEventListener("error", (event) => {
    if (event instanceof MessageEvent) {
      source.close();
      follower.onEnd("The log could not be followed: a Director component did not answer.");
    } else if (source.readyState === EventSource.CLOSED) {
      // EventSource hides the refusal's body; the likely refusal besides a lost session is the per-account limit.
      follower.onEnd("The log is not available. If other tabs follow site logs, close some and reload this page.");
    }
  });
  return () => source.close();
}
