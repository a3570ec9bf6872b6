import type { DirectorError } from "@director/domain/errors";

/** Which limit refused a connection: the account's own, or the whole process's. */
export type ConnectionLimitKind = "account" | "total";

/**
 * Places for long-lived connections (live channel sockets, followed logs): at most `perAccount` open at once per
 * account and `total` in this process. A place is taken before the connection opens anything upstream and given back
 * when it closes; counting only in this process's memory, so each manager instance has its own limits.
 */
export class ConnectionLimits {
  readonly #limits: { perAccount: number; total: number };
  readonly #refusal: (kind: ConnectionLimitKind) => DirectorError;
  readonly #openByAccount = new Map<number, number>();
  #openTotal = 0;

  constructor(
    limits: { perAccount: number; total?: number },
    /** the error a refused connection gets (429 in the status table) */
    refusal: (kind: ConnectionLimitKind) => DirectorError,
  ) {
    this.#limits = { perAccount: limits.perAccount, total: limits.total ?? Number.POSITIVE_INFINITY };
    this.#refusal = refusal;
  }

  /** Connections open now, in all and for one account. */
  openCount(accountId?: number): number {
    return accountId === undefined ? this.#openTotal : (this.#openByAccount.get(accountId) ?? 0);
  }

  /**
   * Takes a place for `accountId`, or throws the refusal when either limit is reached. Returns the function that
   * gives the place back; calling it again does nothing, so every way a connection ends may call it.
   */
  take(accountId: number): () => void {
    const open = this.openCount(accountId);
    if (open >= this.#limits.perAccount) throw this.#refusal("account");
    if (this.#openTotal >= this.#limits.total) throw this.#refusal("total");
    this.#openByAccount.set(accountId, open + 1);
    this.#openTotal++;
    let isReleased = false;
    return () => {
      if (isReleased) return;
      isReleased = true;
      this.#openTotal--;
      const left = this.openCount(accountId) - 1;
      if (left <= 0) this.#openByAccount.delete(accountId);
      else this.#openByAccount.set(accountId, left);
    };
  }
}

/**
 * Takes a place for `accountId` when `request` is a WebSocket upgrade, given back when its socket closes (a plain
 * request holds none: it is answered at once). Throws the refusal when a limit is reached.
 */
export function takePlaceForUpgrade(
  limits: ConnectionLimits,
  request: {
    ws?: boolean;
    raw: { socket: { destroyed: boolean; once(event: "close", listener: () => void): unknown } };
  },
  accountId: number,
): void {
  if (!request.ws) return;
  const release = limits.take(accountId);
  const connection = request.raw.socket;
  if (connection.destroyed) release();
  else connection.once("close", release);
}
