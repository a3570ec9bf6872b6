import {
  type CertificateIssued,
  type RouterInventory,
  type RouteSpec,
  routerApi,
} from "@director/contracts/router-api";
import type { CustomDomain } from "@director/domain/custom-domain";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import type { InternalClient } from "@director/http-kit/internal-client";
import type { SiteHost } from "../features/operations/site-host.js";
import type { CertificateInventory, HostInventory, LeftoverRemoval } from "../features/reconcile/host-inventory.js";

/** The router's internal API as the worker and the reconciler use it: a site's public route, and all of them. */
export class RouterClient
  implements
    Pick<SiteHost, "upsertRoute" | "removeRoute" | "issueCertificate" | "removeCertificate">,
    Pick<HostInventory, "routerInventory" | "certificateInventory">,
    Pick<LeftoverRemoval, "removeLegacyRoute">
{
  readonly #client: InternalClient;

  constructor(client: InternalClient) {
    this.#client = client;
  }

  async upsertRoute(siteId: SiteId, spec: RouteSpec): Promise<void> {
    await this.#client.request(routerApi.upsertRoute, { params: { siteId }, body: spec });
  }

  /** Every route file the edge has, read back. */
  async routerInventory(): Promise<RouterInventory> {
    return this.#client.request(routerApi.routeInventory, {});
  }

  /** Every certificate the router keeps, with its expiry. */
  async certificateInventory(): Promise<CertificateInventory> {
    return (await this.#client.request(routerApi.certificateInventory, {})).certificates;
  }

  async removeRoute(siteId: SiteId): Promise<void> {
    await this.#client.request(routerApi.removeRoute, { params: { siteId } });
  }

  async issueCertificate(domain: CustomDomain, renewWithinDays: number): Promise<CertificateIssued> {
    return this.#client.request(routerApi.issueCertificate, { params: { domain }, body: { renewWithinDays } });
  }

  async removeCertificate(domain: CustomDomain): Promise<void> {
    await this.#client.request(routerApi.removeCertificate, { params: { domain } });
  }

  /** A route file named by site name, left from before routes were keyed by site id. */
  async removeLegacyRoute(siteName: SiteName): Promise<void> {
    await this.#client.request(routerApi.removeLegacyRoute, { params: { siteName } });
  }
}
