/**
 * Places of live connections per account: how many live channels (tabs, phones) one account holds at once. Counted
 * by this process alone, or, with DIRECTOR_REDIS_URL, by every manager together (adapters/redis-live-places.ts), so
 * that a script cannot hold the limit's worth of sockets on each manager behind the load balancer.
 */
import { DirectorError } from "@director/domain/errors";
import { ConnectionLimits } from "../../http/connection-limits.js";

/** Open live connections one account may hold (tabs, phones); more is a script, not a person. */
export const maxLiveConnectionsPerUser = 20;

export interface LivePlaces {
  /** Takes a place for the account, or throws LIVE_CONNECTION_LIMIT; resolves to the (idempotent) give-back. */
  take(accountId: number): Promise<() => void>;
  /** Stops what keeps its places alive; the process is ending. */
  close(): Promise<void>;
}

/** The refusal every manager gives, whichever counts. */
export function liveConnectionLimitReached(perAccount: number): DirectorError {
  return new DirectorError(
    "LIVE_CONNECTION_LIMIT",
    `At most ${perAccount} live connections per account: close some Director tabs.`,
  );
}

/** This process's count only (one manager, or no Redis). */
export class InProcessLivePlaces implements LivePlaces {
  readonly #limits: ConnectionLimits;

  constructor(perAccount = maxLiveConnectionsPerUser) {
    this.#limits = new ConnectionLimits({ perAccount }, () => liveConnectionLimitReached(perAccount));
  }

  async take(accountId: number): Promise<() => void> {
    return this.#limits.take(accountId);
  }

  async close(): Promise<void> {}
}
