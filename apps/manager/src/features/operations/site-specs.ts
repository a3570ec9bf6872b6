import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import type { SiteRecord as Site } from "@director/domain/site";

/** What the database implies for a site on the machines; the worker applies it and the reconciler checks it. */
export interface SiteSpecs {
  /** the balancer spec of the site (the orchestrator adds a dynamic site's upstream itself) */
  balancerSpec(site: Site): BalancerSiteSpec;
  /** the hostnames the router sends to the site: its name's, then its unexpired former names' (redirected there) */
  routeHostnames(site: Site, formerNames?: readonly string[]): string[];
}

/** The site specs under the manager's site settings. */
export function siteSpecs(settings: { domain: string; clientBodyLimitBytes: number }): SiteSpecs {
  return {
    balancerSpec: (site) => ({
      id: site.id,
      name: site.name,
      type: site.type,
      availability: site.availability,
      clientBodyLimitBytes: site.clientBodyLimitBytes ?? settings.clientBodyLimitBytes,
      domains: site.domains,
      httpsDomains: site.httpsDomains,
    }),
    routeHostnames: (site, formerNames = []) => [site.name, ...formerNames].map((name) => `${name}.${settings.domain}`),
  };
}
