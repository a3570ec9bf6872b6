/**
 * The HTTPS side of a site's own domains (pure): for the domains that have a certificate, an HTTP server that sends
 * them to HTTPS and one HTTPS server per domain (each its own certificate). A running dynamic site's are proxied to
 * its task like its HTTP server; every other site's answer from its index entry by id, exactly like the shared
 * server answers its name (files, or the notice of a site not served or not running).
 */
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName, type SiteName } from "@director/domain/site-name";
import { renderIndexServer } from "./render-shared-site-server.js";
import { renderSiteProxyLocations } from "./render-site-proxy.js";
import { renderAcmeChallengeLocation, renderHttpsRedirectServer, renderHttpsServerHead } from "./render-site-tls.js";
import { siteIndexLayout } from "./site-index-layout.js";

/** Where the balancer serves, and where HTTPS certificates and HTTP-01 challenges are. */
export interface SiteHttpsEnv {
  listen: string;
  tlsListen: string;
  certificatesDir: string;
  challengesRoot: string | null;
  indexDir: string;
  /** Strict-Transport-Security max-age; 0: not sent */
  hstsMaxAgeSeconds: number;
}

/** A site whose HTTPS domains are served: its task's port when it runs (dynamic), else null (from the index). */
export interface SiteWithHttpsDomains {
  id: SiteId;
  name: SiteName;
  /** the domains served over HTTPS, each with its certificate's fingerprint */
  httpsDomains: readonly { domain: string; fingerprint: string }[];
  clientBodyLimitBytes: number;
  /** the port of the running task's upstream (defined in the same file); null: answered from the index */
  proxiedToPort: number | null;
}

const indent = "    ";

export function renderSiteHttpsServers(site: SiteWithHttpsDomains, env: SiteHttpsEnv): string[] {
  if (site.httpsDomains.length === 0) return [];
  const id = parseSiteId(site.id);
  const name = parseSiteName(site.name);
  const lines = renderHttpsRedirectServer(
    site.httpsDomains.map(({ domain }) => domain),
    env,
  );
  for (const { domain, fingerprint } of site.httpsDomains) {
    const head = renderHttpsServerHead(domain, fingerprint, {
      listen: env.tlsListen,
      certificatesDir: env.certificatesDir,
      hstsMaxAgeSeconds: env.hstsMaxAgeSeconds,
    });
    if (site.proxiedToPort === null) {
      lines.push(
        ...renderIndexServer({
          listen: env.tlsListen,
          serverName: domain,
          entry: `${env.indexDir}/${siteIndexLayout.idsDir}/${id}`,
          // The notice pages name the site by the domain asked for.
          variable: "host",
          clientBodyLimitBytes: site.clientBodyLimitBytes,
          challengesRoot: null,
          head,
        }),
      );
    } else {
      lines.push(
        "server {",
        ...head.map((line) => indent + line),
        `${indent}client_max_body_size ${site.clientBodyLimitBytes};`,
        ...renderSiteProxyLocations(id, name, site.proxiedToPort).map((line) => indent + line),
        "}",
      );
    }
  }
  return lines;
}

/** The challenge location, indented for a server block (for the HTTP server of a running dynamic site). */
export function renderServerAcmeChallengeLocation(challengesRoot: string | null): string[] {
  return renderAcmeChallengeLocation(challengesRoot).map((line) => indent + line);
}
