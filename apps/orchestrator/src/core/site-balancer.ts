/**
 * The balancer as the HTTP edge sees it, with dynamic sites' upstreams kept current: every spec is stored, and an
 * enabled dynamic site's `upstream` is filled from where its task runs now, on a PUT and whenever the task moves.
 */
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { SiteId } from "@director/domain/site";
import { Mutex } from "async-mutex";
import type { BalancerConfig, BalancerConfigFiles, BalancerSpecStore } from "./ports.js";

/** The address of a site's running task on the site network, or null when none runs. */
export type SiteAddressLookup = (id: SiteId) => Promise<string | null>;

/** A site's balancer file and stored spec, compared (SiteInventory reports it). */
export interface BalancerInspection {
  hasConfig: boolean;
  spec: BalancerSiteSpec | null;
  /** the file is what the stored spec renders now, with the task's current address */
  isConfigCurrent: boolean;
}

/** Wraps the nginx BalancerConfig; one site's updates run one at a time, so the last address read is the one rendered. */
export class UpstreamTrackingBalancer implements BalancerConfig {
  readonly #balancer: BalancerConfig & BalancerConfigFiles;
  readonly #specs: BalancerSpecStore;
  readonly #addressOf: SiteAddressLookup | null;
  readonly #sitePort: number;
  /** One lock per site with an update in flight. */
  readonly #locks = new Map<SiteId, Mutex>();

  /**
   * `addressOf` null (no container runtime): specs are rendered as given, as before dynamic sites were wired.
   * `sitePort`: the port every site task listens on ($PORT).
   */
  constructor(deps: {
    balancer: BalancerConfig & BalancerConfigFiles;
    specs: BalancerSpecStore;
    addressOf: SiteAddressLookup | null;
    sitePort: number;
  }) {
    this.#balancer = deps.balancer;
    this.#specs = deps.specs;
    this.#addressOf = deps.addressOf;
    this.#sitePort = deps.sitePort;
  }

  async upsert(spec: BalancerSiteSpec): Promise<void> {
    const id = spec.id;
    const { upstream: _given, ...stored } = spec;
    await this.#exclusive(id, async () => {
      const rendered = this.#addressOf === null ? spec : await this.#withUpstream(stored, undefined);
      await this.#balancer.upsert(rendered);
      await this.#specs.put(stored);
    });
  }

  async remove(id: SiteId): Promise<void> {
    await this.#exclusive(id, async () => {
      await this.#balancer.remove(id);
      await this.#specs.remove(id);
    });
  }

  /**
   * Re-renders the site's stored spec (no-op when none is stored), with `address` as its task's address, or the
   * address looked up now when `address` is undefined.
   */
  async refresh(id: SiteId, address?: string | null): Promise<void> {
    await this.#exclusive(id, async () => {
      const spec = await this.#specs.get(id);
      if (spec === null) return;
      await this.#balancer.upsert(await this.#withUpstream(spec, address));
    });
  }

  /**
   * Compares the site's file with what its stored spec renders now; `address` as in `refresh`. Runs in the site's
   * queue, so it never reads a file halfway through an update.
   */
  inspect(id: SiteId, address?: string | null): Promise<BalancerInspection> {
    return this.#exclusive(id, async () => {
      const [text, spec] = [await this.#balancer.read(id), await this.#specs.get(id)];
      const isConfigCurrent =
        text !== null &&
        spec !== null &&
        text === (await this.#balancer.render(await this.#withUpstream(spec, address)));
      return { hasConfig: text !== null, spec, isConfigCurrent };
    });
  }

  /** The id of every site with a balancer file or a stored spec. */
  async listSiteIds(): Promise<SiteId[]> {
    const ids = new Set([...(await this.#balancer.listSiteIds()), ...(await this.#specs.list())]);
    return [...ids].sort((a, b) => a - b);
  }

  async #withUpstream(spec: BalancerSiteSpec, known: string | null | undefined): Promise<BalancerSiteSpec> {
    // Only an enabled dynamic site is proxied; looking up any other's address would only cost an Engine API call.
    if (spec.type !== "dynamic" || spec.availability !== "enabled") return { ...spec, upstream: null };
    const address = known !== undefined ? known : this.#addressOf === null ? null : await this.#addressOf(spec.id);
    return { ...spec, upstream: address === null ? null : { address, port: this.#sitePort } };
  }

  #exclusive<T>(id: SiteId, fn: () => Promise<T>): Promise<T> {
    let lock = this.#locks.get(id);
    if (lock === undefined) {
      lock = new Mutex();
      this.#locks.set(id, lock);
    }
    const held = lock;
    return held.runExclusive(fn).finally(() => {
      // Forget an idle site, so that the map holds only sites with an update in flight. A release hands the lock to
      // the next waiter at once (async-mutex), so an unlocked one has nobody waiting.
      if (!held.isLocked() && this.#locks.get(id) === held) this.#locks.delete(id);
    });
  }
}
