import { DirectorError } from "@director/domain/errors";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import type { SiteId } from "@director/domain/site";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import type { Topology } from "@director/domain/topology";
import { renderRouteServerBlock } from "./render-edge-config.js";

/** What the edge needs for one route: a file with this content, or nothing at all. */
export type RoutePlan = { kind: "file"; content: string } | { kind: "none" };

/** A route's hostnames once checked, and the site names they are made of. */
export interface CheckedHostnames {
  /** lowercased, duplicates dropped */
  hostnames: Hostname[];
  /** the `<name>` of each `<name>.<sites domain>` */
  siteNames: SiteName[];
}

/**
 * Checks a route's hostnames: each is parsed again (the caller is trusted, its values are not) and must be a site's
 * name under the sites domain, `<name>.<sitesDomain>`. Custom domains come with their own issue (ownership checks,
 * certificates); until then nothing else is routed.
 */
export function checkRouteHostnames(hostnames: readonly string[], sitesDomain: string): CheckedHostnames {
  const domain = parseHostname(sitesDomain);
  const checked = [...new Set(hostnames.map((hostname) => parseHostname(hostname)))];
  const siteNames: SiteName[] = [];
  const others: string[] = [];
  for (const hostname of checked) {
    const name = hostname.endsWith(`.${domain}`) ? hostname.slice(0, -domain.length - 1) : null;
    const siteName = name === null ? null : siteNameOrNull(name);
    if (siteName === null) others.push(hostname);
    else siteNames.push(siteName);
  }
  if (others.length > 0) {
    throw new DirectorError(
      "VALIDATION_FAILED",
      `A site can only be reached at <its name>.${domain} for now; ${others.join(", ")} is not allowed.`,
      { details: { fields: { hostnames: `each must be <site name>.${domain}` } } },
    );
  }
  return { hostnames: checked, siteNames };
}

function siteNameOrNull(value: string): SiteName | null {
  try {
    return parseSiteName(value);
  } catch {
    return null; // reported with every other hostname the route may not have
  }
}

/** Decides what the edge needs for a site's route (pure). */
export function planRoute(
  siteId: SiteId,
  hostnames: readonly Hostname[],
  env: { topology: Topology; edgeListen: string },
): RoutePlan {
  // Shared topology: router and orchestrator share one nginx, and the orchestrator's server block for the site
  // already listens on the edge address with server_name <name>.<sitesDomain>. A route block here would claim the
  // same name on the same listener (nginx keeps only one) and, if it proxied, add a second pass through nginx.
  // Writing nothing keeps a request to one nginx hop, as the design requires.
  if (env.topology === "shared") return { kind: "none" };
  return { kind: "file", content: renderRouteServerBlock(siteId, hostnames, env) };
}
