/**
 * The drift between the database (the truth) and what the orchestrator and router report they have; pure, so that
 * every rule is a unit test. `computeDrift` decides what is wrong; `repairStepsFor` which steps put it back.
 */

import type { DriftFinding, DriftKind } from "@director/contracts/manager-reconcile";
import type { OrchestratorInventory, SiteInventory } from "@director/contracts/orchestrator-inventory";
import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { RouterInventory } from "@director/contracts/router-api";
import type { CustomDomain } from "@director/domain/custom-domain";
import type { SiteId, SiteRecord } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";

/** A site of the database and what it implies for the machines. */
export interface ExpectedSite {
  site: SiteRecord;
  /** the balancer spec the worker would send for it */
  balancer: BalancerSiteSpec;
  /** the hostnames the worker would route to it */
  hostnames: readonly string[];
}

/** The drift of one site of the database, or of leftovers with no site row (`site` null). */
export interface SiteDrift {
  site: SiteRecord | null;
  /** the leftover's site id (directory, balancer file, service, route file); null for a legacy route file */
  siteId: SiteId | null;
  /** the site name of a leftover route file named by site name (written before routes were keyed by site id) */
  legacyRouteName: SiteName | null;
  /** the domain of a leftover certificate (no site has the domain) */
  certificateDomain: string | null;
  findings: DriftFinding[];
}

const noInventory = (id: SiteId): SiteInventory => ({
  id,
  hasDirectory: false,
  balancer: { hasConfig: false, spec: null, isConfigCurrent: false },
  service: null,
  images: [],
});

/**
 * Compares each expected site with the inventories; sites without drift are left out. With `hasOrphans`, the whole
 * installation was listed, and anything with no site row is reported as a leftover too.
 */
export function computeDrift(input: {
  expected: readonly ExpectedSite[];
  orchestrator: OrchestratorInventory;
  router: RouterInventory;
  /** the domains the router has a certificate for */
  certificates: readonly string[];
  hasOrphans: boolean;
}): SiteDrift[] {
  const { orchestrator, router } = input;
  const certificates = new Set(input.certificates);
  const inventoryById = new Map(orchestrator.sites.map((entry) => [entry.id, entry]));
  const routesById = new Map(router.routes.map((route) => [route.siteId, route]));
  const legacyNames = new Set<string>(router.legacyRoutes.map((route) => route.siteName));
  const drifts: SiteDrift[] = [];
  for (const expected of input.expected) {
    const { site } = expected;
    const inventory = inventoryById.get(site.id) ?? noInventory(site.id);
    const findings = [
      ...directoryDrift(inventory),
      ...(orchestrator.isDockerAvailable ? serviceDrift(site, inventory) : []),
      ...balancerDrift(expected.balancer, inventory),
      ...routeDrift(expected, router.needsRouteFiles, routesById.get(site.id), legacyNames.has(site.name)),
      ...certificateDrift(site, certificates),
    ];
    if (findings.length > 0) {
      drifts.push({ site, siteId: site.id, legacyRouteName: null, certificateDomain: null, findings });
    }
  }
  if (!input.hasOrphans) return drifts;
  const ids = new Set<number>(input.expected.map(({ site }) => site.id));
  const leftovers = new Map<SiteId, DriftFinding[]>();
  const leftoverOf = (id: SiteId) => leftovers.get(id) ?? leftovers.set(id, []).get(id) ?? [];
  for (const inventory of orchestrator.sites) {
    if (ids.has(inventory.id)) continue;
    const findings = leftoverOf(inventory.id);
    if (inventory.service !== null) {
      findings.push(finding("orphan_service", `Swarm service ${inventory.service.name} belongs to no site.`));
    }
    if (inventory.balancer.hasConfig || inventory.balancer.spec !== null) {
      findings.push(
        finding("orphan_balancer_config", `The balancer has a file for site id ${inventory.id}, which no site has.`),
      );
    }
    if (inventory.hasDirectory) {
      findings.push(finding("orphan_directory", `The directory of site id ${inventory.id} belongs to no site.`));
    }
    if (inventory.images.length > 0) {
      const count = inventory.images.length === 1 ? "1 image" : `${inventory.images.length} images`;
      findings.push(finding("orphan_images", `${count} of site id ${inventory.id} belong to no site.`));
    }
  }
  for (const route of router.routes) {
    if (ids.has(route.siteId)) continue;
    leftoverOf(route.siteId).push(
      finding("orphan_route", `The router has a route file for site id ${route.siteId}, which no site has.`),
    );
  }
  for (const [siteId, findings] of leftovers) {
    if (findings.length > 0)
      drifts.push({ site: null, siteId, legacyRouteName: null, certificateDomain: null, findings });
  }
  const names = new Set<string>(input.expected.map(({ site }) => site.name));
  for (const { siteName } of router.legacyRoutes) {
    if (names.has(siteName)) continue; // the site's own route replaces it (routeDrift)
    drifts.push({
      site: null,
      siteId: null,
      legacyRouteName: siteName,
      certificateDomain: null,
      findings: [
        finding(
          "orphan_route",
          `The router has a route file for ${siteName}, named by site name as before routes were keyed by site id, and no site is named so.`,
        ),
      ],
    });
  }
  // A certificate for a domain no site has (a site deleted, a domain removed while the router was down): its key has
  // no business on the machine.
  const domains = new Set(input.expected.flatMap(({ site }) => site.domains));
  // One the balancer still names (a stale file, repaired by this run) must stay until that file no longer does:
  // nginx refuses a reload while any file names a certificate that is gone. The next run removes it.
  const named = new Set(orchestrator.sites.flatMap((entry) => entry.balancer.spec?.httpsDomains ?? []));
  for (const domain of [...certificates].sort()) {
    if (domains.has(domain as CustomDomain) || named.has(domain as CustomDomain)) continue;
    drifts.push({
      site: null,
      siteId: null,
      legacyRouteName: null,
      certificateDomain: domain,
      findings: [finding("orphan_certificate", `The router keeps a certificate for ${domain}, which no site has.`)],
    });
  }
  return drifts;
}

/** The certificates the database says the site's domains have (it serves them over HTTPS) must be at the router. */
function certificateDrift(site: SiteRecord, certificates: ReadonlySet<string>): DriftFinding[] {
  return site.httpsDomains
    .filter((domain) => !certificates.has(domain))
    .map((domain) =>
      finding("certificate_missing", `The router has no certificate for ${domain}, which the site serves over HTTPS.`),
    );
}

function directoryDrift(inventory: SiteInventory): DriftFinding[] {
  return inventory.hasDirectory ? [] : [finding("directory_missing", "The site's directory is missing.")];
}

function serviceDrift(site: SiteRecord, inventory: SiteInventory): DriftFinding[] {
  const { service } = inventory;
  if (site.type === "static") {
    return service === null
      ? []
      : [finding("service_unexpected", `The site is static, but its Swarm service ${service.name} exists.`)];
  }
  if (service === null) return [finding("service_missing", "The site is dynamic, but it has no Swarm service.")];
  const replicas = site.availability === "enabled" ? 1 : 0;
  if (service.replicas === replicas) return [];
  return [
    finding(
      "service_replicas_wrong",
      `Its Swarm service runs ${service.replicas} replica(s); a site that is ${site.availability} runs ${replicas}.`,
    ),
  ];
}

function balancerDrift(expected: BalancerSiteSpec, inventory: SiteInventory): DriftFinding[] {
  const { balancer } = inventory;
  if (!balancer.hasConfig) return [finding("balancer_config_missing", "The balancer does not serve the site.")];
  if (balancer.spec === null || !isSameSpec(balancer.spec, expected)) {
    return [finding("balancer_config_stale", "The balancer serves the site with settings the database no longer has.")];
  }
  if (!balancer.isConfigCurrent) {
    return [
      finding(
        "balancer_config_stale",
        "The balancer's entry or server block for the site was changed by hand, or is out of date.",
      ),
    ];
  }
  return [];
}

/**
 * The site's route at the edge. A route file an older router named by site name (`hasLegacyRoute`) is its route's
 * drift too: writing the route (add_route) replaces it without leaving the site unrouted.
 */
function routeDrift(
  expected: ExpectedSite,
  needsRouteFiles: boolean,
  route: RouterInventory["routes"][number] | undefined,
  hasLegacyRoute: boolean,
): DriftFinding[] {
  if (!needsRouteFiles) {
    // The balancer's own server block answers on the edge; a route file would claim the same name.
    return route === undefined && !hasLegacyRoute
      ? []
      : [finding("route_stale", "A route file is left from the split topology; the edge needs none here.")];
  }
  if (route === undefined) {
    return hasLegacyRoute
      ? [
          finding(
            "route_missing",
            "The router's route for the site is in a file named by site name, from before routes were keyed by site id; it needs its own.",
          ),
        ]
      : [finding("route_missing", "The router has no route for the site.")];
  }
  const isSame = route.isCurrent && sameSet(route.hostnames, expected.hostnames);
  if (!isSame) return [finding("route_stale", "The router's route for the site does not match the database.")];
  return hasLegacyRoute
    ? [finding("route_stale", "A route file named by site name is left beside the site's own route.")]
    : [];
}

/** The fields the manager sets (the orchestrator adds the upstream itself). */
function isSameSpec(stored: BalancerSiteSpec, expected: BalancerSiteSpec): boolean {
  return (
    stored.id === expected.id &&
    stored.name === expected.name &&
    stored.type === expected.type &&
    stored.availability === expected.availability &&
    (stored.clientBodyLimitBytes ?? null) === (expected.clientBodyLimitBytes ?? null) &&
    sameSet(stored.domains ?? [], expected.domains ?? []) &&
    sameSet(stored.httpsDomains ?? [], expected.httpsDomains ?? [])
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((value) => value.toLowerCase()));
  const right = new Set(b.map((value) => value.toLowerCase()));
  return left.size === right.size && [...left].every((value) => right.has(value));
}

function finding(kind: DriftKind, message: string): DriftFinding {
  return { kind, message };
}

/** The reconcile_site steps (operation-plans.ts) that put a site's drift back, in plan order. */
export function repairStepsFor(findings: readonly DriftFinding[]): string[] {
  const kinds = new Set(findings.map((item) => item.kind));
  const needs = (...wanted: DriftKind[]) => wanted.some((kind) => kinds.has(kind));
  return [
    needs("missing_database") ? "ensure_site_database" : null,
    needs("directory_missing") ? "create_site_directories" : null,
    needs("service_missing", "service_unexpected", "service_replicas_wrong") ? "sync_service" : null,
    needs("certificate_missing") ? "ensure_certificates" : null,
    // A certificate got again is served by writing the balancer's file (it names the certificate's fingerprint).
    needs("balancer_config_missing", "balancer_config_stale", "certificate_missing") ? "write_balancer_config" : null,
    needs("route_missing", "route_stale") ? "add_route" : null,
  ].filter((slug): slug is string => slug !== null);
}
