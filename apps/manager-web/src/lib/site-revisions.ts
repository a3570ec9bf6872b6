/**
 * Decides when a page reads a site again on the live channel's `site` message: only for a revision newer than the
 * one it shows and than any it already asked for, so that one change costs one read however many messages repeat it
 * (a reconnect greets with the current revision) and however long the read takes.
 */
export class SiteRevisions {
  /** the newest revision a read was asked for, per site name */
  readonly #asked = new Map<string, number>();

  /** Whether `incoming` calls for a read of `site`, whose shown revision is `shown`; remembers it if so. */
  shouldRead(site: string, shown: number, incoming: number): boolean {
    if (incoming <= Math.max(shown, this.#asked.get(site) ?? shown)) return false;
    this.#asked.set(site, incoming);
    return true;
  }
}
