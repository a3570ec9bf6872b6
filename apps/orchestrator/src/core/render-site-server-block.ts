import { parseCustomDomain } from "@director/domain/custom-domain";
import { DirectorError } from "@director/domain/errors";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import { renderServerAcmeChallengeLocation } from "./render-site-https.js";
import {
  checkSiteUpstream,
  renderSiteProxyLocations,
  renderSiteUpstreamBlock,
  type SiteUpstream,
} from "./render-site-proxy.js";

/** Where and under which domain the balancer serves sites; the same for every site. */
export interface SiteServerBlockEnv {
  /** nginx listen address of every site server block, e.g. "127.0.0.1:8081" */
  listen: string;
  /** sites are served at <name>.<sitesDomain> */
  sitesDomain: string;
  /** the router's ACME HTTP-01 directory, answered for the site's domains; null or absent: not served */
  challengesRoot?: string | null;
  /**
   * Where `<name>.<sitesDomain>` is served over HTTPS with the sites domain's wildcard certificate (inherited from the
   * http level, render-shared-site-server.ts); null or absent: not served over HTTPS.
   */
  sitesTlsListen?: string | null;
}

/** A dynamic site with a running task, as its own server block needs it. */
export interface RunningSite {
  id: SiteId;
  name: SiteName;
  clientBodyLimitBytes: number;
  upstream: SiteUpstream;
  /** its own domains, served as its name is */
  domains?: readonly string[];
}

const indent = "    ";

/**
 * Renders a running dynamic site's own server block: its exact host name and its own domains, proxied to its task. Every other site is
 * answered by the shared server block (render-shared-site-server.ts), which this one overrides for its host (nginx
 * prefers an exact server_name to a regex). Every interpolated value is parsed again here even though callers parsed
 * it already (DESIGN rule 3: escape again where it is used); a bad value throws and nothing is rendered.
 */
export function renderRunningSiteServerBlock(site: RunningSite, env: SiteServerBlockEnv): string {
  const id = parseSiteId(site.id);
  const name = parseSiteName(site.name);
  const serverNames = [
    parseHostname(`${name}.${parseHostname(env.sitesDomain)}`),
    ...(site.domains ?? []).map(parseCustomDomain),
  ];
  const listen = parseListenAddress(env.listen);
  if (!Number.isSafeInteger(site.clientBodyLimitBytes) || site.clientBodyLimitBytes < 0) {
    throw new DirectorError("VALIDATION_FAILED", "clientBodyLimitBytes must be a whole number of bytes.");
  }
  const upstream = checkSiteUpstream(site.upstream);
  return [
    `# Site ${id} (${name}), written by the Director orchestrator; edits here are overwritten.`,
    // Outside server {}: the file is included inside http {} (packages/host nginx-main-config), where upstream belongs.
    ...renderSiteUpstreamBlock(id, upstream),
    "server {",
    `${indent}listen ${listen};`,
    `${indent}server_name ${serverNames.join(" ")};`,
    `${indent}client_max_body_size ${site.clientBodyLimitBytes};`,
    ...renderServerAcmeChallengeLocation(env.challengesRoot ?? null),
    ...renderSiteProxyLocations(id, name, upstream.port).map((line) => `${indent}${line}`),
    "}",
    // Its name under the sites domain over HTTPS (its own domains have their own certificates, render-site-https.ts).
    ...(env.sitesTlsListen == null
      ? []
      : [
          "server {",
          `${indent}listen ${parseListenAddress(env.sitesTlsListen)} ssl http2;`,
          `${indent}server_name ${serverNames[0]};`,
          `${indent}client_max_body_size ${site.clientBodyLimitBytes};`,
          ...renderSiteProxyLocations(id, name, upstream.port).map((line) => `${indent}${line}`),
          "}",
        ]),
    "",
  ].join("\n");
}
