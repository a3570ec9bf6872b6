import type { SiteId } from "@director/domain/site";

/**
 * Who may use a site changed (a member removed, the site disabled): what holds a connection for someone on that site
 * (a terminal) checks again at once rather than at its next periodic check. In this process's memory: a connection
 * held by another manager instance still ends at its own check.
 */
export class SiteAccessChanges {
  readonly #listeners = new Map<SiteId, Set<() => void>>();

  /** Calls `onChange` whenever access to the site changes; returns the function that stops it. */
  subscribe(siteId: SiteId, onChange: () => void): () => void {
    const listeners = this.#listeners.get(siteId) ?? new Set();
    listeners.add(onChange);
    this.#listeners.set(siteId, listeners);
    return () => {
      listeners.delete(onChange);
      if (listeners.size === 0 && this.#listeners.get(siteId) === listeners) this.#listeners.delete(siteId);
    };
  }

  notify(siteId: SiteId): void {
    for (const onChange of [...(this.#listeners.get(siteId) ?? [])]) onChange();
  }
}
