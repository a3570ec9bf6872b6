/**
 * What the orchestrator finds of each site on its machine (directory, balancer file and spec, Swarm service, images), for
 * the reconciler to compare with the database. It only reads; the reconciler repairs through the ordinary routes.
 */
import type {
  OrchestratorInventory,
  SiteInventory as SiteInventoryEntry,
} from "@director/contracts/orchestrator-inventory";
import type { ImageRef } from "@director/domain/image-ref";
import type { InstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import type { SiteDirectories } from "./ports.js";
import type { ServiceInventory, SiteServiceSummary } from "./service-runtime.js";
import type { UpstreamTrackingBalancer } from "./site-balancer.js";

/** What SiteInventory reads from. */
export interface SiteInventoryDeps {
  installationId: InstallationId;
  directories: Pick<SiteDirectories, "has" | "list">;
  balancer: Pick<UpstreamTrackingBalancer, "inspect" | "listSiteIds">;
  /** null: no Docker engine at start; services are not listed */
  services: ServiceInventory | null;
  /** every running task's address at once (one engine call for the whole listing); null: looked up per site */
  runningAddresses: (() => Promise<Map<SiteId, string>>) | null;
  /** the site images of this installation, by site; null: no Docker engine, images are not listed */
  siteImages: { listBySite(): Promise<Map<SiteId, ImageRef[]>> } | null;
}

/** Reads the inventory of every site, or of one. */
export class SiteInventory {
  readonly #deps: SiteInventoryDeps;

  constructor(deps: SiteInventoryDeps) {
    this.#deps = deps;
  }

  /** Every site something exists of, by id; with `only`, that site alone (listed even when nothing exists). */
  async report(only?: SiteId): Promise<OrchestratorInventory> {
    const { installationId, directories, balancer, services } = this.#deps;
    const serviceList = services === null ? [] : await services.listServices(only);
    const imagesBySite = this.#deps.siteImages === null ? new Map() : await this.#deps.siteImages.listBySite();
    const servicesById = new Map<SiteId, SiteServiceSummary>();
    for (const service of serviceList) {
      // Two services for one site would be made by hand; the one with the name we give wins, the other is ignored.
      if (!servicesById.has(service.siteId) || service.name.endsWith(`-site-${service.siteId}`)) {
        servicesById.set(service.siteId, service);
      }
    }
    let ids: SiteId[];
    let directoryIds: Set<SiteId>;
    let addresses: Map<SiteId, string> | null = null;
    if (only === undefined) {
      directoryIds = new Set(await directories.list());
      const listed = [
        ...directoryIds,
        ...(await balancer.listSiteIds()),
        ...servicesById.keys(),
        ...imagesBySite.keys(),
      ];
      ids = [...new Set(listed)];
      ids.sort((a, b) => a - b);
      addresses = this.#deps.runningAddresses === null ? null : await this.#deps.runningAddresses();
    } else {
      ids = [only];
      directoryIds = new Set((await directories.has(only)) ? [only] : []);
    }
    const sites: SiteInventoryEntry[] = [];
    for (const id of ids) {
      // With the listing's addresses, a site that has no running task has none (null), not "look it up" (undefined).
      const inspection = await balancer.inspect(id, addresses === null ? undefined : (addresses.get(id) ?? null));
      const service = servicesById.get(id);
      sites.push({
        id,
        hasDirectory: directoryIds.has(id),
        balancer: inspection,
        service:
          service === undefined
            ? null
            : { name: service.name, replicas: service.replicas, image: service.image, labels: { ...service.labels } },
        images: [...(imagesBySite.get(id) ?? [])],
      });
    }
    return { installationId, isDockerAvailable: services !== null, sites };
  }
}
