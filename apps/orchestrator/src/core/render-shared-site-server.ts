/**
 * The balancer's one server block for every site without a server block of its own (all but running dynamic sites):
 * the requested host's site name is captured by a regex `server_name`, and what answers is read from the site index
 * (adapters/fs-site-index.ts) on each request, so creating, disabling, renaming or deleting such a site writes no
 * nginx configuration and needs no reload. A running dynamic site's own block names its host exactly, and nginx
 * prefers an exact name to a regex, so it takes over for as long as it exists.
 */
import { DirectorError } from "@director/domain/errors";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { parseSiteName } from "@director/domain/site-name";
import { noticePageText, siteNameToken } from "./nginx-notice-page.js";
import { assertNginxSafeAbsolutePath } from "./nginx-safe-path.js";
import { renderAcmeChallengeLocation, renderTlsCommon } from "./render-site-tls.js";
import { siteIndexLayout } from "./site-index-layout.js";

/** What the shared server block depends on; the same for every site. */
export interface SharedSiteServerEnv {
  listen: string;
  sitesDomain: string;
  /** the site index directory */
  indexDir: string;
  /** client_max_body_size of every site served here (a running dynamic site's own block sets its own) */
  clientBodyLimitBytes: number;
  /** the router's ACME HTTP-01 directory, answered for every host; null: not served */
  acmeChallengesRoot?: string | null;
  /** where sites' own domains are served over HTTPS; null: nowhere (no HTTPS) */
  tlsListen?: string | null;
  /**
   * The sites domain's wildcard certificate: every `<name>.<sites domain>` is served over HTTPS too, its servers
   * (this one, and running dynamic sites' own) inheriting it from the http level. Needs `tlsListen`.
   */
  sitesCertificate?: SitesCertificate | null;
  /** renamed sites' old names, each answered with a redirect to its new one (for a grace period the manager keeps) */
  redirects?: readonly SiteRedirect[];
}

/** A renamed site's old name and its new one. */
export interface SiteRedirect {
  from: string;
  to: string;
}

/** A wildcard certificate for the sites domain, with its fingerprint (a replaced one changes this file). */
export interface SitesCertificate {
  certificatePath: string;
  keyPath: string;
  fingerprint: string;
}

/** The nginx variable holding the requested site's name: a capture of the site-name grammar, so only [a-z0-9-]. */
const siteVariable = "director_site";
/** The nginx variable holding a requested custom domain: a capture of the hostname grammar, so only [a-z0-9.-]. */
const domainVariable = "director_domain";
/** The new name of a renamed site's old one (empty for every other name), from the redirects map. */
const movedVariable = "director_moved_to";
const indent = "    ";

/**
 * The block's text (pure): one server for `<name>.<sites domain>`, read from the index's names, and after it one for
 * every other hostname, read from the index's domains (a site's own domains; a host no site claims gets the "no site
 * here" page). nginx tries regex names in the order they appear, so the sites domain is matched first; exact names
 * (a running dynamic site's own block) win over both. Every value is checked again here, where it reaches nginx.
 */
export function renderSharedSiteServer(env: SharedSiteServerEnv): string {
  const listen = parseListenAddress(env.listen);
  const domain = parseHostname(env.sitesDomain);
  const indexDir = assertNginxSafeAbsolutePath(env.indexDir);
  if (!Number.isSafeInteger(env.clientBodyLimitBytes) || env.clientBodyLimitBytes < 0) {
    throw new DirectorError("CONFIG_INVALID", "The default body limit must be a whole number of bytes.");
  }
  const common = {
    listen,
    clientBodyLimitBytes: env.clientBodyLimitBytes,
    challengesRoot: env.acmeChallengesRoot ?? null,
  };
  const tlsListen = env.tlsListen ?? null;
  const sitesCertificate = env.sitesCertificate ?? null;
  if (sitesCertificate !== null && tlsListen === null) {
    throw new DirectorError("CONFIG_INVALID", "The sites domain's certificate needs an HTTPS listen address.");
  }
  // The site-name grammar (domain/site-name.ts), anchored, under the sites domain with its dots escaped.
  const sitesServerName = `~^(?<${siteVariable}>[a-z0-9]+(?:-[a-z0-9]+)*)\\.${domain.replaceAll(".", "\\.")}$`;
  return [
    "# Every site without a server block of its own, written by the Director orchestrator; edits here are overwritten.",
    ...(tlsListen === null ? [] : renderTlsCommon({ listen: tlsListen })),
    ...(sitesCertificate === null ? [] : renderSitesCertificate(sitesCertificate)),
    ...renderRedirectMaps(env.redirects ?? []),
    ...renderIndexServer({
      ...common,
      ...(sitesCertificate === null || tlsListen === null
        ? {}
        : {
            head: [
              `listen ${listen};`,
              `listen ${parseListenAddress(tlsListen)} ssl http2;`,
              `server_name ${sitesServerName};`,
            ],
          }),
      serverName: sitesServerName,
      entry: `${indexDir}/${siteIndexLayout.namesDir}/$${siteVariable}`,
      variable: siteVariable,
      // `if` holding only `return` is the safe use of `if`; the target is a checked site name and the sites domain
      moved: `return 301 $director_moved_scheme://$${movedVariable}.${domain}$director_host_port$request_uri;`,
    }),
    "# Sites' own domains. nginx has lowercased the host and refused one with `/` or `..`; the capture allows",
    "# only the hostname grammar, so it names a link in the index's domains and nothing else.",
    ...renderIndexServer({
      ...common,
      serverName: `~^(?<${domainVariable}>[a-z0-9-]+(?:\\.[a-z0-9-]+)+)$`,
      entry: `${indexDir}/${siteIndexLayout.domainsDir}/$${domainVariable}`,
      variable: domainVariable,
    }),
    "",
  ].join("\n");
}

/**
 * The redirects of renamed sites' old names, as maps at the http level (nginx resolves a map's variables when the
 * whole configuration is read, so the server below may use them). The new address keeps the port the client asked
 * for and its scheme (the edge's X-Forwarded-Proto in the split topology, http or https only); both names are
 * checked again here, where they reach nginx.
 */
function renderRedirectMaps(redirects: readonly SiteRedirect[]): string[] {
  const entries = redirects.map(
    (redirect) => `${indent}${parseSiteName(redirect.from)} ${parseSiteName(redirect.to)};`,
  );
  return [
    `map $${siteVariable} $${movedVariable} {`,
    `${indent}default "";`,
    ...entries,
    "}",
    "map $http_host $director_host_port {",
    `${indent}default "";`,
    `${indent}"~^[^:]+(?<port>:[0-9]{1,5})$" $port;`,
    "}",
    "map $http_x_forwarded_proto $director_moved_scheme {",
    `${indent}default $scheme;`,
    `${indent}http http;`,
    `${indent}https https;`,
    "}",
  ];
}

/**
 * The sites domain's wildcard certificate at the http level: servers without one of their own inherit it (the sites
 * domain's); sites' own domains name their own. Its fingerprint is written down so that a replaced file changes this
 * file, which is then checked and reloaded.
 */
function renderSitesCertificate(certificate: SitesCertificate): string[] {
  if (!/^[0-9a-f]{64}$/.test(certificate.fingerprint)) {
    throw new DirectorError("CONFIG_INVALID", `Not a SHA-256 fingerprint: ${certificate.fingerprint}`);
  }
  return [
    `# sites certificate sha256 ${certificate.fingerprint}`,
    `ssl_certificate ${assertNginxSafeAbsolutePath(certificate.certificatePath)};`,
    `ssl_certificate_key ${assertNginxSafeAbsolutePath(certificate.keyPath)};`,
  ];
}

/**
 * One server answering from the index entry that `entry` (a path, with the captured variable or a site's own id)
 * leads to. `head`: lines in place of `listen` and `server_name` (an HTTPS server's, with its certificate).
 */
export function renderIndexServer(options: {
  listen: string;
  serverName: string;
  entry: string;
  /** the nginx variable the notice pages name the site by */
  variable: string;
  clientBodyLimitBytes: number;
  challengesRoot: string | null;
  head?: readonly string[];
  /** the `return` of a renamed site's old name (the names server only) */
  moved?: string;
}): string[] {
  const { entry, variable } = options;
  const siteLink = `${entry}/${siteIndexLayout.siteLink}`;
  const page = (title: string, message: string) => noticePageText(title, message, { siteNameVariable: variable });
  const [disabled, notRunning] = siteIndexLayout.markers;
  return [
    "server {",
    ...(options.head ?? [`listen ${options.listen};`, `server_name ${options.serverName};`]).map(
      (line) => indent + line,
    ),
    `${indent}client_max_body_size ${options.clientBodyLimitBytes};`,
    ...(options.moved === undefined
      ? []
      : [`${indent}if ($${movedVariable} != "") {`, `${indent}${indent}${options.moved}`, `${indent}}`]),
    // The index's own links (root's) are followed; from the site directory on, no symlink is: public/ itself and
    // everything under it is opened O_NOFOLLOW, so a site's files stay inside its directory.
    `${indent}disable_symlinks on from=${siteLink};`,
    `${indent}root ${siteLink}/public;`,
    `${indent}index index.html index.htm;`,
    ...renderAcmeChallengeLocation(options.challengesRoot).map((line) => indent + line),
    `${indent}location / {`,
    `${indent}${indent}try_files $uri $uri/ @not_served;`,
    `${indent}}`,
    // Reached only when no file answers: a missing file of a served site, or a site whose files are not served.
    `${indent}location @not_served {`,
    // Only root's index is read here, through its own links.
    `${indent}${indent}disable_symlinks off;`,
    `${indent}${indent}types { }`,
    `${indent}${indent}default_type text/html;`,
    `${indent}${indent}add_header Cache-Control "no-store" always;`,
    // `if` holding only `return` is the safe use of `if` (https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if).
    `${indent}${indent}if (-f ${entry}/${disabled}) {`,
    `${indent}${indent}${indent}return 503 "${page(`${siteNameToken} is not being served`, `The site ${siteNameToken} exists but is not being served right now.`)}";`,
    `${indent}${indent}}`,
    `${indent}${indent}if (-f ${entry}/${notRunning}) {`,
    `${indent}${indent}${indent}return 503 "${page(`${siteNameToken} is not running`, `The process of the site ${siteNameToken} is not running. If this is your site: check its run.sh and its log, and restart it.`)}";`,
    `${indent}${indent}}`,
    `${indent}${indent}if (-d ${siteLink}) {`,
    `${indent}${indent}${indent}return 404;`,
    `${indent}${indent}}`,
    `${indent}${indent}return 404 "${page("No site here", "No site is served at this address. Check the address, or ask the site's owner whether it has moved.")}";`,
    `${indent}}`,
    "}",
  ];
}
