import type { RouteFileInventory, RouterInventory, RouteSpec } from "@director/contracts/router-api";
import type { SiteName } from "@director/domain/site-name";
import type { ConfigFiles } from "@director/host/config-files";
import { type NginxConfigFileName, parseNginxConfigFileName } from "@director/host/nginx-config-file-name";
import { planRoute, type Topology } from "../core/plan-route.js";
import type { EdgeRoutes } from "../core/ports.js";
import { readRouteFile, siteNameOfRouteFile } from "../core/read-route-file.js";
import { renderEdgeDefaultConfig } from "../core/render-edge-config.js";

/** The edge's default file; "00-" sorts it first and the name grammar allows no leading underscore. */
export const edgeDefaultFileName = parseNginxConfigFileName("00-default.conf");

/** The file holding one site's route (split topology only). */
export function routeFileName(siteName: SiteName): NginxConfigFileName {
  return parseNginxConfigFileName(`route-${siteName}.conf`);
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

  async upsert(siteName: SiteName, spec: RouteSpec): Promise<{ written: boolean }> {
    const plan = planRoute(siteName, spec, this.#env);
    if (plan.kind === "none") {
      // A file left from an earlier split topology would claim the same name as the balancer's block.
      await this.#files.remove(routeFileName(siteName));
      return { written: false };
    }
    await this.#files.put(routeFileName(siteName), plan.content);
    return { written: true };
  }

  async remove(siteName: SiteName): Promise<void> {
    await this.#files.remove(routeFileName(siteName));
  }

  async inventory(): Promise<RouterInventory> {
    const routes: RouteFileInventory[] = [];
    for (const fileName of await this.#files.list()) {
      const siteName = siteNameOfRouteFile(fileName);
      if (siteName === null) continue;
      const content = await this.#files.read(fileName);
      // Removed between the listing and the read: it is gone, which is what the listing will say next time.
      if (content === null) continue;
      routes.push(readRouteFile(siteName, content, this.#env));
    }
    const { topology } = this.#env;
    return { topology, needsRouteFiles: topology === "split", routes };
  }
}
