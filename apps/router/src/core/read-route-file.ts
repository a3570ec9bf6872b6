/**
 * The router's route file names, and reading back a route file it wrote (render-edge-config.ts) for the reconciler's
 * inventory; pure. A route file is named by site id (`site-<id>.conf`, as the balancer's are); routers before that
 * named them by site name (`route-<name>.conf`), which a site name of digits only would make ambiguous.
 */
import type { RouteFileInventory } from "@director/contracts/router-api";
import { isParsable } from "@director/domain/config-validation";
import { isDirectorError } from "@director/domain/errors";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import type { Topology } from "@director/domain/topology";
import { renderRouteServerBlock } from "./render-edge-config.js";

/** The file holding a site's route. */
export function routeFileNameOf(siteId: SiteId): string {
  return `site-${parseSiteId(siteId)}.conf`;
}

/** The file a router before site-id keys wrote a site's route to. */
export function legacyRouteFileNameOf(siteName: SiteName): string {
  return `route-${parseSiteName(siteName)}.conf`;
}

/** The site id in a route file's name (`site-<id>.conf`), or null for any other file. */
export function siteIdOfRouteFile(fileName: string): SiteId | null {
  const id = /^site-([1-9][0-9]{0,14})\.conf$/.exec(fileName)?.[1];
  return id === undefined ? null : parseSiteId(id);
}

/** The site name in a legacy route file's name (`route-<name>.conf`), or null for any other file. */
export function siteNameOfLegacyRouteFile(fileName: string): SiteName | null {
  const name = /^route-(.+)\.conf$/.exec(fileName)?.[1];
  return name !== undefined && isParsable(() => parseSiteName(name)) ? parseSiteName(name) : null;
}

/** What a route file says, and whether it is exactly what the router writes for its site in `env`'s topology. */
export function readRouteFile(
  siteId: SiteId,
  content: string,
  env: { topology: Topology; edgeListen: string },
): RouteFileInventory {
  const serverName = /^\s*server_name ([^;]*);$/m.exec(content)?.[1];
  const hostnames = serverName === undefined ? [] : serverName.split(/\s+/).filter(Boolean);
  // The shared topology writes no route files: one found there is left over, never current.
  const expected =
    env.topology === "split" && hostnames.length > 0 ? renderOrNull(siteId, hostnames, env.edgeListen) : null;
  return { siteId, hostnames, isCurrent: expected === content };
}

/** The file the router would write, or null when a value in it is one the router refuses (edited by hand). */
function renderOrNull(siteId: SiteId, hostnames: string[], edgeListen: string): string | null {
  try {
    return renderRouteServerBlock(siteId, hostnames, { edgeListen });
  } catch (error) {
    if (isDirectorError(error)) return null;
    throw error;
  }
}
