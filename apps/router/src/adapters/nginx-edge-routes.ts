import type { RouteFileInventory, RouterInventory } from "@director/contracts/router-api";
import type { Hostname } from "@director/domain/hostname";
import type { SiteId } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import type { Topology } from "@director/domain/topology";
import type { ConfigFiles } from "@director/host/config-files";
import { type NginxConfigFileName, parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { checkRouteHostnames, planRoute } from "../core/plan-route.js";
import type { EdgeRoutes } from "../core/ports.js";
import {
  legacyRouteFileNameOf,
  readRouteFile,
  routeFileNameOf,
  siteIdOfRouteFile,
  siteNameOfLegacyRouteFile,
} from "../core/read-route-file.js";
import { renderEdgeDefaultConfig } from "../core/render-edge-config.js";

/** The edge's default file; "00-" sorts it first and the name grammar allows no leading underscore. */
export const edgeDefaultFileName = parseNginxConfigFileName("00-default.conf");

/** The file holding one site's route (split topology only). */
export function routeFileName(siteId: SiteId): NginxConfigFileName {
  return parseNginxConfigFileName(routeFileNameOf(siteId));
}

/** What the edge's files depend on. */
export interface EdgeEnv {
  topology: Topology;
  sitesDomain: string;
  /** the public listen address, e.g. "127.0.0.1:8081" */
  edgeListen: string;
  /** HOST:PORT of each balancer (split topology) */
  balancers: readonly string[];
}

/** The edge as nginx files: one default file, and one file per site in the split topology. */
export class NginxEdgeRoutes implements EdgeRoutes {
  readonly #files: ConfigFiles;
  readonly #env: EdgeEnv;

  constructor(files: ConfigFiles, env: EdgeEnv) {
    this.#files = files;
    this.#env = env;
  }

  async writeDefaults(): Promise<void> {
    const { topology, edgeListen, balancers } = this.#env;
    const content = renderEdgeDefaultConfig({ edgeListen, balancers: topology === "split" ? balancers : null });
    await this.#files.put(edgeDefaultFileName, content);
  }

  async upsert(siteId: SiteId, hostnames: readonly Hostname[]): Promise<{ written: boolean }> {
    const checked = checkRouteHostnames(hostnames, this.#env.sitesDomain);
    const plan = planRoute(siteId, checked.hostnames, this.#env);
    if (plan.kind === "none") {
      // A file left from an earlier split topology would claim the same name as the balancer's block.
      await this.#files.remove(routeFileName(siteId));
    } else {
      await this.#files.put(routeFileName(siteId), plan.content);
    }
    // A route file an older router named by site name serves these same hostnames: the new one replaces it, and it
    // goes only now, so that the site is never without a route.
    for (const siteName of checked.siteNames) await this.removeLegacy(siteName);
    return { written: plan.kind === "file" };
  }

  async remove(siteId: SiteId): Promise<void> {
    await this.#files.remove(routeFileName(siteId));
  }

  async removeLegacy(siteName: SiteName): Promise<void> {
    await this.#files.remove(parseNginxConfigFileName(legacyRouteFileNameOf(siteName)));
  }

  async inventory(): Promise<RouterInventory> {
    const routes: RouteFileInventory[] = [];
    const legacyRoutes: RouterInventory["legacyRoutes"] = [];
    for (const fileName of await this.#files.list()) {
      const siteName = siteNameOfLegacyRouteFile(fileName);
      if (siteName !== null) legacyRoutes.push({ siteName });
      const siteId = siteIdOfRouteFile(fileName);
      if (siteId === null) continue;
      const content = await this.#files.read(fileName);
      // Removed between the listing and the read: it is gone, which is what the listing will say next time.
      if (content === null) continue;
      routes.push(readRouteFile(siteId, content, this.#env));
    }
    const { topology } = this.#env;
    return { topology, needsRouteFiles: topology === "split", routes, legacyRoutes };
  }
}
