import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { Api } from "./api/client";
import type { LiveChannel, LiveMessage } from "./api/live";
import type { UserView } from "./api/types";

export const ApiContext = createContext<Api | null>(null);

/** The API client of the app (provided once in main.tsx). */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside <ApiContext.Provider>");
  return api;
}

export const LiveContext = createContext<LiveChannel | null>(null);

/**
 * Follows `sites` on the live channel while the component is mounted: `onMessage` gets each site's operation and
 * process state now and at every change. The latest `onMessage` is used; the list is compared by value.
 */
export function useLiveSites(sites: readonly string[], onMessage: (message: LiveMessage) => void): void {
  const live = useContext(LiveContext);
  const onMessageRef = useRef(onMessage);
  onMessageRef.current = onMessage;
  const key = sites.join("\n");
  useEffect(() => {
    if (!live || key === "") return;
    return live.follow(key.split("\n"), (message) => onMessageRef.current(message));
  }, [live, key]);
}

/**
 * What a button or a form asks of the server: `run(work)` clears the last error, is busy while `work` runs, and keeps
 * what `work` throws for the page to show; it resolves whether `work` succeeded.
 */
export function useAction(): {
  error: unknown;
  isBusy: boolean;
  run: (work: () => Promise<unknown>) => Promise<boolean>;
} {
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setError(null);
    setIsBusy(true);
    try {
      await work();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setIsBusy(false);
    }
  }, []);
  return { error, isBusy, run };
}

export interface Session {
  user: UserView;
  /** ends the session and goes to the login page */
  logout(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

/** The logged-in user (pages behind the login only). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a logged-in page");
  return session;
}

export type AsyncState<T> =
  | { status: "loading"; value?: undefined; error?: undefined }
  | { status: "ok"; value: T; error?: undefined }
  | { status: "error"; value?: undefined; error: unknown };

/**
 * Runs `load` when `key` changes and whenever `reload()` is called; the latest call wins. A reload keeps the
 * previous value on screen until the new one arrives (no flicker).
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, key: unknown[]): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const abort = new AbortController();
    loadRef.current(abort.signal).then(
      (value) => {
        if (!abort.signal.aborted) setState({ status: "ok", value });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ status: "error", error });
      },
    );
    return () => abort.abort();
  }, [...key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return [state, reload];
}

/** Calls `tick` every `intervalMs` while the page is visible (a hidden tab costs the server nothing). */
export function useInterval(tick: () => void, intervalMs: number | null): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (intervalMs === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") tickRef.current();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
}
