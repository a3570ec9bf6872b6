import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { parseSiteId } from "@director/domain/site";
import { parseBalancerAddress } from "./balancer-address.js";

const indent = "    ";
/** The upstream every split-topology route proxies to; defined in the default file. */
export const balancersUpstreamName = "director_balancers";

const notFoundPage =
  "<!doctype html><html><head><meta charset=utf-8><title>No site here</title></head><body>" +
  "<h1>No site is served at this address</h1><p>Check the address, or ask the site's owner whether it has moved.</p>" +
  "</body></html>";

/**
 * The edge's default file: a default server answering 404 with a small page for every host no site claims, and in
 * the split topology the upstream of balancers that routes proxy to. Values are parsed again here, where they are used.
 */
export function renderEdgeDefaultConfig(env: { edgeListen: string; balancers: readonly string[] | null }): string {
  const listen = parseListenAddress(env.edgeListen);
  const lines = ["# The edge's default server, written by the Director router; edits here are overwritten."];
  if (env.balancers !== null) {
    lines.push(
      `upstream ${balancersUpstreamName} {`,
      ...env.balancers.map((address) => `${indent}server ${parseBalancerAddress(address)};`),
      // Idle connections kept open to the balancers, so that most requests skip a TCP handshake on the second hop.
      `${indent}keepalive 64;`,
      "}",
    );
  }
  lines.push(
    "server {",
    `${indent}listen ${listen} default_server;`,
    // An empty types block makes the page text/html whatever extension the requested path has.
    `${indent}types { }`,
    `${indent}default_type text/html;`,
    `${indent}return 404 "${notFoundPage}";`,
    "}",
    "",
  );
  return lines.join("\n");
}

/**
 * One site's route at the edge in the split topology: its hostnames, proxied to the balancers with the Host kept.
 * Values are parsed again here, where they reach nginx.
 */
export function renderRouteServerBlock(
  siteId: number,
  hostnames: readonly string[],
  env: { edgeListen: string },
): string {
  const listen = parseListenAddress(env.edgeListen);
  const id = parseSiteId(siteId);
  const names = hostnames.map((hostname) => parseHostname(hostname));
  return [
    `# Route of site ${id}, written by the Director router; edits here are overwritten.`,
    "server {",
    `${indent}listen ${listen};`,
    `${indent}server_name ${names.join(" ")};`,
    // The balancer enforces each site's own body limit; streaming the body there keeps the edge from capping it first.
    `${indent}client_max_body_size 0;`,
    `${indent}proxy_request_buffering off;`,
    `${indent}location / {`,
    `${indent}${indent}proxy_pass http://${balancersUpstreamName};`,
    // HTTP/1.1 with an empty Connection header lets nginx reuse the upstream keepalive connections.
    `${indent}${indent}proxy_http_version 1.1;`,
    `${indent}${indent}proxy_set_header Connection "";`,
    `${indent}${indent}proxy_set_header Host $host;`,
    `${indent}${indent}proxy_set_header X-Real-IP $remote_addr;`,
    // The edge is the first hop: a client's own X-Forwarded-For is not to be trusted, so it is replaced, not extended.
    `${indent}${indent}proxy_set_header X-Forwarded-For $remote_addr;`,
    `${indent}${indent}proxy_set_header X-Forwarded-Proto $scheme;`,
    `${indent}}`,
    "}",
    "",
  ].join("\n");
}
