import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { Api } from "./api/client";
import type { LiveChannel, LiveMessage } from "./api/live";
import { type Queries, queriesOf } from "./api/queries";
import type { UserView } from "./api/types";

export const ApiContext = createContext<Api | null>(null);

/** The API client of the app (provided once in main.tsx). */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside <ApiContext.Provider>");
  return api;
}

/** The query options of the pages' reads (api/queries.ts), over the app's API client. */
export function useApiQueries(): Queries {
  const api = useApi();
  return useMemo(() => queriesOf(api), [api]);
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
  /** shows a failure that happened outside `run` (a drop whose files could not be read) */
  fail: (failure: unknown) => void;
  clearError: () => void;
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
  const clearError = useCallback(() => setError(null), []);
  return { error, isBusy, run, fail: setError, clearError };
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
