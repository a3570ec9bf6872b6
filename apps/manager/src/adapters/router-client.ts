import {
  type RouterInventory,
  type RouteSpec,
  routerApiPrefix,
  routerInventorySchema,
} from "@director/contracts/router-api";
import type { SiteName } from "@director/domain/site-name";
import type { InternalClient } from "@director/http-kit/internal-client";
import type { SiteHost } from "../features/operations/site-host.js";
import type { HostInventory } from "../features/reconcile/host-inventory.js";

/** The router's internal API as the worker and the reconciler use it: a site's public route, and all of them. */
export class RouterClient
  implements Pick<SiteHost, "upsertRoute" | "removeRoute">, Pick<HostInventory, "routerInventory">
{
  readonly #client: InternalClient;

  constructor(client: InternalClient) {
    this.#client = client;
  }

  async upsertRoute(siteName: SiteName, spec: RouteSpec): Promise<void> {
    await this.#client.call({ method: "PUT", path: `${routerApiPrefix}/routes/${siteName}`, json: spec });
  }

  /** Every route file the edge has, read back. */
  async routerInventory(): Promise<RouterInventory> {
    return this.#client.json({ method: "GET", path: `${routerApiPrefix}/routes` }, routerInventorySchema);
  }

  async removeRoute(siteName: SiteName): Promise<void> {
    await this.#client.call({ method: "DELETE", path: `${routerApiPrefix}/routes/${siteName}` });
  }
}
