/**
 * The nginx text that proxies a dynamic site to its Swarm task (pure). The balancer reaches the task at its own
 * address on the site network (no Node.js process, no Docker proxy in the path; see issue 3 for the measurements).
 */
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { renderNoticePage } from "./nginx-notice-page.js";

/** Where a dynamic site's running task listens. */
export interface SiteUpstream {
  /** The task's IPv4 address on the site network */
  address: string;
  port: number;
}

// Dotted decimal, four parts of 0–255 without leading zeros: nothing else can reach the `server` line.
const ipv4Part = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const ipv4 = new RegExp(`^${ipv4Part}(?:\\.${ipv4Part}){3}$`);

/** Returns `upstream` if its address is a strict dotted IPv4 address and its port is 1–65535; throws otherwise. */
export function checkSiteUpstream(upstream: SiteUpstream): SiteUpstream {
  if (typeof upstream.address !== "string" || !ipv4.test(upstream.address)) {
    throw new DirectorError("VALIDATION_FAILED", "A site's upstream address must be an IPv4 address like 10.0.0.2.");
  }
  if (!Number.isInteger(upstream.port) || upstream.port < 1 || upstream.port > 65535) {
    throw new DirectorError("VALIDATION_FAILED", "A site's upstream port must be a whole number from 1 to 65535.");
  }
  return upstream;
}

/** The name of the site's `upstream` block; one per site, so that only its own file defines it. */
function upstreamNameOf(id: SiteId): string {
  return `site_${id}_task`;
}

const indent = "    ";
/** Named location of the "process not answering" page. */
const notAnsweringLocation = "@process_not_answering";
/** Named location that proxies upgrade (WebSocket) requests. */
const upgradeLocation = "@upgrade";

/** The http-level blocks that precede the site's `server {}` (the file is included inside `http {}`). */
export function renderSiteUpstreamBlock(id: SiteId, upstream: SiteUpstream): string[] {
  const { address, port } = checkSiteUpstream(upstream);
  return [
    `upstream ${upstreamNameOf(id)} {`,
    `${indent}server ${address}:${port};`,
    // Idle connections kept open to the task, per nginx worker: a request then skips the TCP handshake. Needs
    // HTTP/1.1 and an empty Connection header, set below. The pool must hold as many connections as are busy at
    // once: with 16, 64 concurrent clients made nginx close and reopen upstream connections all the time, and
    // the churn cut throughput to 0.075 of the container's own (bench/dynamic-site). Idle ones cost a socket.
    `${indent}keepalive 128;`,
    `${indent}keepalive_timeout 60s;`,
    "}",
  ];
}

/**
 * The server-level directives that proxy every request to the task, and answer a clear page when it does not answer.
 *
 * Upgrade (WebSocket) requests need `Connection: upgrade` while every other request needs `Connection: ""` to keep
 * the upstream connection alive. The usual `map $http_upgrade $connection_upgrade` must be defined once per nginx,
 * and a per-site map adds one variable per site, past nginx's variables_hash_max_size (1024) at scale, so nginx warns
 * on every reload at 10,000 sites. Instead, a request with an Upgrade header is sent to a second, named location by
 * `return 418` + `error_page 418 =`: `if` holding only `return` is the one safe use of `if` in a location
 * (https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if), and nothing outside this file is needed.
 */
export function renderSiteProxyLocations(id: SiteId, siteName: string, port: number): string[] {
  const proxyCommon = [
    `proxy_pass http://${upstreamNameOf(id)};`,
    "proxy_http_version 1.1;",
    "proxy_set_header Host $host;",
    // Replaced, never extended: a client's own X-Forwarded-For would let it name any address to the site. Behind the
    // router (split topology), the balancer's realip settings make $remote_addr the client's address.
    "proxy_set_header X-Forwarded-For $remote_addr;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header X-Real-IP $remote_addr;",
    // The task is on this node's bridge: a connect takes well under a millisecond. Between a task's exit and the
    // watcher's reload, the address answers nothing at all (no reset), and a longer timeout held every request of
    // that moment for its whole length (a restart looked 4 s slower than it was).
    "proxy_connect_timeout 1s;",
    "proxy_read_timeout 120s;",
  ];
  // error_page directives are not inherited into a location that sets its own, hence both lines in each location.
  const notAnswering = `error_page 502 504 =502 ${notAnsweringLocation};`;
  return [
    "location / {",
    `${indent}${notAnswering}`,
    `${indent}error_page 418 = ${upgradeLocation};`,
    // nginx follows one error_page per request unless this is on where the first one (the 418) happens; without it,
    // a 502 in the upgrade location would be nginx's bare page.
    `${indent}recursive_error_pages on;`,
    `${indent}if ($http_upgrade) {`,
    `${indent}${indent}return 418;`,
    `${indent}}`,
    ...proxyCommon.map((line) => `${indent}${line}`),
    `${indent}proxy_set_header Connection "";`,
    "}",
    `location ${upgradeLocation} {`,
    `${indent}${notAnswering}`,
    ...proxyCommon.map((line) => `${indent}${line}`),
    `${indent}proxy_set_header Upgrade $http_upgrade;`,
    `${indent}proxy_set_header Connection "upgrade";`,
    "}",
    `location ${notAnsweringLocation} {`,
    ...renderNoticePage(
      502,
      `${siteName} is not answering`,
      `The process of the site ${siteName} is not answering. If this is your site: check its run.sh and its log, ` +
        `and that it listens on &#36;PORT (${port}).`,
    ).map((line) => `${indent}${line}`),
    "}",
  ];
}
