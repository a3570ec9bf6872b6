/** The router's ports: small interfaces its HTTP edge uses, implemented in adapters/ (and by fakes in tests). */
import type { RouterInventory } from "@director/contracts/router-api";
import type { Hostname } from "@director/domain/hostname";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";

/** The public edge: its default server and one route per site. */
export interface EdgeRoutes {
  /** Writes the default server (and, split, the balancers' upstream); no-op when unchanged. */
  writeDefaults(): Promise<void>;
  /** Checks and activates a site's route; `written` is false when the topology needs no file for it. */
  upsert(siteId: SiteId, hostnames: readonly Hostname[]): Promise<{ written: boolean }>;
  /** Removes a site's route; no-op when absent. */
  remove(siteId: SiteId): Promise<void>;
  /** Removes a route file named by site name, left from before routes were keyed by site id; no-op when absent. */
  removeLegacy(siteName: SiteName): Promise<void>;
  /** Every route file as it is now, read back (the reconciler compares them with the database). */
  inventory(): Promise<RouterInventory>;
}
