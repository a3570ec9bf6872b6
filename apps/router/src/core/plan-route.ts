import type { RouteSpec } from "@director/contracts/router-api";
import { DirectorError } from "@director/domain/errors";
import { type Hostname, parseHostname } from "@director/domain/hostname";
import type { SiteName } from "@director/domain/site-name";
import { renderRouteServerBlock } from "./render-edge-config.js";

/** shared: router and orchestrator use one nginx (`director up`); split: separate nginx processes (production). */
export type Topology = "shared" | "split";

/** What the edge needs for one route: a file with this content, or nothing at all. */
export type RoutePlan = { kind: "file"; content: string } | { kind: "none" };

/** Checks a route's hostnames (for now exactly `<siteName>.<sitesDomain>`), deduplicated and lowercased. */
export function checkRouteHostnames(siteName: SiteName, hostnames: readonly string[], sitesDomain: string): Hostname[] {
  const expected = parseHostname(`${siteName}.${sitesDomain}`);
  const checked = [...new Set(hostnames.map((hostname) => parseHostname(hostname)))];
  const others = checked.filter((hostname) => hostname !== expected);
  if (others.length > 0) {
    // Custom domains come with their own issue (ownership checks, certificates); until then only the site's own name.
    throw new DirectorError(
      "VALIDATION_FAILED",
      `Site ${siteName} can only be reached at ${expected} for now; ${others.join(", ")} is not allowed.`,
      { details: { fields: { hostnames: `must be ["${expected}"]` } } },
    );
  }
  return checked;
}

/** Decides what the edge needs for a route (pure). */
export function planRoute(
  siteName: SiteName,
  spec: RouteSpec,
  env: { topology: Topology; sitesDomain: string; edgeListen: string },
): RoutePlan {
  const hostnames = checkRouteHostnames(siteName, spec.hostnames, env.sitesDomain);
  // Shared topology: router and orchestrator share one nginx, and the orchestrator's server block for the site
  // already listens on the edge address with server_name <name>.<sitesDomain>. A route block here would claim the
  // same name on the same listener (nginx keeps only one) and, if it proxied, add a second pass through nginx.
  // Writing nothing keeps a request to one nginx hop, as the design requires.
  if (env.topology === "shared") return { kind: "none" };
  return { kind: "file", content: renderRouteServerBlock(siteName, { siteId: spec.siteId, hostnames }, env) };
}
