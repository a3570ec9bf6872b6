import type { BalancerSiteSpec } from "@director/contracts/orchestrator-sites";
import { DirectorError } from "@director/domain/errors";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { renderNoticePage } from "./nginx-notice-page.js";
import { assertNginxSafeAbsolutePath } from "./nginx-safe-path.js";
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
  /** the site's directory (holds public/ and private/) */
  siteDirectory: string;
}

/** A BalancerSiteSpec with its defaults applied; `upstream` stays optional (absent or null: no running task). */
export type SiteServerBlockSpec = Required<Omit<BalancerSiteSpec, "upstream">> & Pick<BalancerSiteSpec, "upstream">;

const indent = "    ";

/**
 * Renders one site's balancer server block. Every interpolated value is parsed again here even though callers
 * parsed it already (DESIGN rule 3: escape again where it is used); a bad value throws and nothing is rendered.
 */
export function renderSiteServerBlock(spec: SiteServerBlockSpec, env: SiteServerBlockEnv): string {
  const id = parseSiteId(spec.id);
  const name = parseSiteName(spec.name);
  const serverName = parseHostname(`${name}.${parseHostname(env.sitesDomain)}`);
  const listen = parseListenAddress(env.listen);
  const siteDirectory = assertNginxSafeAbsolutePath(env.siteDirectory);
  if (!Number.isSafeInteger(spec.clientBodyLimitBytes) || spec.clientBodyLimitBytes < 0) {
    throw new DirectorError("VALIDATION_FAILED", "clientBodyLimitBytes must be a whole number of bytes.");
  }

  // Only an enabled dynamic site is proxied; for any other the upstream is ignored (and never rendered).
  const upstream = isProxied(spec) ? checkSiteUpstream(spec.upstream) : null;
  const lines = [
    `# Site ${id} (${name}), written by the Director orchestrator; edits here are overwritten.`,
    // Outside server {}: the file is included inside http {} (packages/host nginx-main-config), where upstream belongs.
    ...(upstream === null ? [] : renderSiteUpstreamBlock(id, upstream)),
    "server {",
    `${indent}listen ${listen};`,
    `${indent}server_name ${serverName};`,
    `${indent}client_max_body_size ${spec.clientBodyLimitBytes};`,
    // No symlink anywhere in a served path is followed, so a site's files stay inside its directory.
    // Without from=: the check covers public/ itself too, which a site's owner may one day replace.
    `${indent}disable_symlinks on;`,
    ...siteBody(spec, { id, name, siteDirectory, upstream }).map((line) => `${indent}${line}`),
    "}",
    "",
  ];
  return lines.join("\n");
}

/** True when requests go to the site's running task: an enabled dynamic site with an upstream. */
function isProxied(spec: SiteServerBlockSpec): spec is SiteServerBlockSpec & { upstream: SiteUpstream } {
  return spec.availability === "enabled" && spec.type === "dynamic" && spec.upstream != null;
}

/** The checked values siteBody interpolates. */
interface CheckedSiteValues {
  id: SiteId;
  name: string;
  siteDirectory: string;
  upstream: SiteUpstream | null;
}

function siteBody(spec: SiteServerBlockSpec, { id, name, siteDirectory, upstream }: CheckedSiteValues): string[] {
  if (spec.availability !== "enabled") {
    return renderNoticePage(
      503,
      `${name} is not being served`,
      `The site ${name} exists but is not being served right now.`,
    );
  }
  switch (spec.type) {
    case "static":
      return [
        `root ${siteDirectory}/public;`,
        "index index.html index.htm;",
        "location / {",
        `${indent}try_files $uri $uri/ =404;`,
        "}",
      ];
    case "dynamic":
      if (upstream !== null) return renderSiteProxyLocations(id, name, upstream.port);
      // No running task (stopped, crashed and waiting to restart, or not created yet): say so instead of a bare 502.
      return renderNoticePage(
        503,
        `${name} is not running`,
        `The process of the site ${name} is not running. If this is your site: check its run.sh and its log, and restart it.`,
      );
  }
}
