import { type RouteSpec, routerApiPrefix } from "@director/contracts/router-api";
import type { SiteName } from "@director/domain/site-name";
import type { InternalClient } from "@director/http-kit/internal-client";
import type { SiteHost } from "../features/operations/site-host.js";

/** The router's internal API as the worker uses it: a site's public route. */
export class RouterClient implements Pick<SiteHost, "upsertRoute" | "removeRoute"> {
  readonly #client: InternalClient;

  constructor(client: InternalClient) {
    this.#client = client;
  }

  async upsertRoute(siteName: SiteName, spec: RouteSpec): Promise<void> {
    await this.#client.call({ method: "PUT", path: `${routerApiPrefix}/routes/${siteName}`, json: spec });
  }

  async removeRoute(siteName: SiteName): Promise<void> {
    await this.#client.call({ method: "DELETE", path: `${routerApiPrefix}/routes/${siteName}` });
  }
}
