/**
 * Reads back a route file the router wrote (render-edge-config.ts), for the reconciler's inventory; pure. Only the
 * two facts the file was made from are read: the site id in its header line and the names in its server_name line.
 */
import type { RouteFileInventory } from "@director/contracts/router-api";
import { isParsable } from "@director/domain/config-validation";
import { isDirectorError } from "@director/domain/errors";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import type { Topology } from "./plan-route.js";
import { renderRouteServerBlock } from "./render-edge-config.js";

/** The site name in a route file's name (`route-<name>.conf`), or null for any other file. */
export function siteNameOfRouteFile(fileName: string): string | null {
  const name = /^route-(.+)\.conf$/.exec(fileName)?.[1];
  return name !== undefined && isParsable(() => parseSiteName(name)) ? name : null;
}

/** What a route file says, and whether it is exactly what the router writes for it in `env`'s topology. */
export function readRouteFile(
  siteName: string,
  content: string,
  env: { topology: Topology; edgeListen: string },
): RouteFileInventory {
  const header = /^# Route of site ([1-9][0-9]{0,14}) \(/.exec(content);
  const siteId = header?.[1] === undefined ? null : parseSiteId(header[1]);
  const serverName = /^\s*server_name ([^;]*);$/m.exec(content)?.[1];
  const hostnames = serverName === undefined ? [] : serverName.split(/\s+/).filter(Boolean);
  // The shared topology writes no route files: one found there is left over, never current.
  const expected =
    env.topology === "split" && siteId !== null && hostnames.length > 0
      ? renderOrNull(siteName, siteId, hostnames, env.edgeListen)
      : null;
  return { siteName, siteId, hostnames, isCurrent: expected === content };
}

/** The file the router would write, or null when a value in it is one the router refuses (edited by hand). */
function renderOrNull(siteName: string, siteId: number, hostnames: string[], edgeListen: string): string | null {
  try {
    return renderRouteServerBlock(siteName, { siteId, hostnames }, { edgeListen });
  } catch (error) {
    if (isDirectorError(error)) return null;
    throw error;
  }
}
