/**
 * Director's own web interface and API over HTTPS at its public host, in the sites' nginx under `director up` (pure):
 * on the HTTP port the ACME challenge and a redirect, as for a site's domain (render-site-tls.ts); on the HTTPS port the
 * host with its certificate, proxied to the manager's own listener, WebSockets and Server-Sent Events included.
 */
import { parseListenAddress } from "@director/domain/listen-address";
import { renderHttpsRedirectServer, renderTlsServerHead } from "./render-site-tls.js";

export interface ManagerServerEnv {
  host: string;
  /** the sites' HTTP listen address (port 80 on the internet), where the challenge and the redirect are answered */
  httpListen: string;
  tlsListen: string;
  /** the manager's own listener, e.g. 127.0.0.1:8080 */
  upstream: string;
  certificatePath: string;
  keyPath: string;
  fingerprint: string;
  /** the router's challenge directory (null: certificate files given, no ACME) */
  challengesRoot: string | null;
  /** the largest request body the manager accepts (uploads), in bytes */
  clientBodyLimitBytes: number;
  /** Strict-Transport-Security max-age (DIRECTOR_HSTS_MAX_AGE); 0: not sent */
  hstsMaxAgeSeconds: number;
}

const indent = "    ";

export function renderManagerServer(env: ManagerServerEnv): string {
  const upstream = parseListenAddress(env.upstream);
  if (!Number.isSafeInteger(env.clientBodyLimitBytes) || env.clientBodyLimitBytes < 0) {
    throw new Error(`not a body limit: ${env.clientBodyLimitBytes}`);
  }
  const head = renderTlsServerHead({
    serverName: env.host,
    listen: env.tlsListen,
    certificatePath: env.certificatePath,
    keyPath: env.keyPath,
    fingerprint: env.fingerprint,
    hstsMaxAgeSeconds: env.hstsMaxAgeSeconds,
  });
  const proxy = [
    `proxy_pass http://${upstream};`,
    "proxy_http_version 1.1;",
    // With its port, as the browser sent it: the manager compares a WebSocket's Origin with it.
    "proxy_set_header Host $http_host;",
    // Replaced, not extended: the manager trusts this one hop (DIRECTOR_TRUSTED_PROXIES) for the client's address.
    "proxy_set_header X-Forwarded-For $remote_addr;",
    "proxy_set_header X-Forwarded-Proto https;",
    // The live channel and the terminal are WebSockets; log streams are Server-Sent Events: no buffering, long reads.
    "proxy_set_header Upgrade $http_upgrade;",
    "proxy_set_header Connection $http_connection;",
    "proxy_buffering off;",
    "proxy_read_timeout 1h;",
  ];
  return [
    `# Director's own web interface and API at ${env.host}, written by director up; edits here are overwritten.`,
    ...renderHttpsRedirectServer([env.host], {
      listen: env.httpListen,
      tlsListen: env.tlsListen,
      challengesRoot: env.challengesRoot,
    }),
    "server {",
    ...head.map((line) => indent + line),
    `${indent}client_max_body_size ${env.clientBodyLimitBytes};`,
    `${indent}# Not a site: nothing for the traffic log, which counts sites' requests.`,
    `${indent}access_log off;`,
    `${indent}location / {`,
    ...proxy.map((line) => `${indent}${indent}${line}`),
    `${indent}}`,
    "}",
    "",
  ].join("\n");
}
