import type { BalancerSiteSpec } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { parseSiteId } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import { assertNginxSafeAbsolutePath } from "./nginx-safe-path.js";

/** Where and under which domain the balancer serves sites; the same for every site. */
export interface SiteServerBlockEnv {
  /** nginx listen address of every site server block, e.g. "127.0.0.1:8081" */
  listen: string;
  /** sites are served at <name>.<sitesDomain> */
  sitesDomain: string;
  /** the site's directory (holds public/ and private/) */
  siteDirectory: string;
}

const indent = "    ";

/**
 * Renders one site's balancer server block. Every interpolated value is parsed again here even though callers
 * parsed it already (DESIGN rule 3: escape again where it is used); a bad value throws and nothing is rendered.
 */
export function renderSiteServerBlock(spec: Required<BalancerSiteSpec>, env: SiteServerBlockEnv): string {
  const id = parseSiteId(spec.id);
  const name = parseSiteName(spec.name);
  const serverName = parseHostname(`${name}.${parseHostname(env.sitesDomain)}`);
  const listen = parseListenAddress(env.listen);
  const siteDirectory = assertNginxSafeAbsolutePath(env.siteDirectory);
  if (!Number.isSafeInteger(spec.clientBodyLimitBytes) || spec.clientBodyLimitBytes < 0) {
    throw new DirectorError("VALIDATION_FAILED", "clientBodyLimitBytes must be a whole number of bytes.");
  }

  const lines = [
    `# Site ${id} (${name}), written by the Director orchestrator; edits here are overwritten.`,
    "server {",
    `${indent}listen ${listen};`,
    `${indent}server_name ${serverName};`,
    `${indent}client_max_body_size ${spec.clientBodyLimitBytes};`,
    // No symlink anywhere in a served path is followed, so a site's files stay inside its directory.
    // Without from=: the check covers public/ itself too, which a site's owner may one day replace.
    `${indent}disable_symlinks on;`,
    ...siteBody(spec, name, siteDirectory).map((line) => `${indent}${line}`),
    "}",
    "",
  ];
  return lines.join("\n");
}

function siteBody(spec: Required<BalancerSiteSpec>, name: string, siteDirectory: string): string[] {
  if (spec.availability !== "enabled") {
    return noticePage(503, `${name} is not being served`, `The site ${name} exists but is not being served right now.`);
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
      // The proxy to the site's Swarm task comes with dynamic sites; until then the public sees why.
      return noticePage(
        503,
        `${name} is not available yet`,
        `The site ${name} exists, but dynamic sites are not available yet.`,
      );
  }
}

/** A fixed HTML page answered for every request; none of the site's files are reachable. */
function noticePage(status: number, title: string, message: string): string[] {
  const html = `<!doctype html><html><head><meta charset=utf-8><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`;
  // Inside an nginx string `"`, `\` and `$` are special; the page is built from checked values, so this only guards edits.
  if (/["\\$]/.test(html))
    throw new DirectorError("INTERNAL", "A notice page may not contain quotes, backslashes or $.");
  return [
    // An empty types block makes the answer text/html whatever the requested file's extension.
    "types { }",
    "default_type text/html;",
    'add_header Cache-Control "no-store" always;',
    `return ${status} "${html}";`,
  ];
}
