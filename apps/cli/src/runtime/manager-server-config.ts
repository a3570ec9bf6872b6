/**
 * The nginx text that serves the manager itself over HTTPS under `director up` (pure): the manager's host on the
 * HTTPS port with its certificate, proxied to the manager's own listener (WebSockets and Server-Sent Events
 * included), and on the HTTP port the ACME challenge and a redirect to HTTPS. The certificate's fingerprint is
 * written down so that a renewed certificate changes the file, and the store checks and reloads it.
 */
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";

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
const safePath = /^\/[A-Za-z0-9._/-]+$/;

export function renderManagerServer(env: ManagerServerEnv): string {
  const host = parseHostname(env.host);
  const tlsListen = parseListenAddress(env.tlsListen);
  const httpListen = parseListenAddress(env.httpListen);
  const upstream = parseListenAddress(env.upstream);
  for (const file of [env.certificatePath, env.keyPath, ...(env.challengesRoot === null ? [] : [env.challengesRoot])]) {
    if (!safePath.test(file)) throw new Error(`not a path nginx may be given: ${file}`);
  }
  if (!/^[0-9a-f]{64}$/.test(env.fingerprint)) throw new Error(`not a SHA-256 fingerprint: ${env.fingerprint}`);
  const port = Number(/(\d+)$/.exec(tlsListen)?.[1]);
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
    `# Director's own web interface and API at ${host}, written by director up; edits here are overwritten.`,
    "server {",
    `${indent}listen ${httpListen};`,
    `${indent}server_name ${host};`,
    ...(env.challengesRoot === null
      ? []
      : [
          `${indent}location ^~ /.well-known/acme-challenge/ {`,
          `${indent}${indent}root ${env.challengesRoot};`,
          `${indent}${indent}open_file_cache off;`,
          `${indent}${indent}default_type text/plain;`,
          `${indent}${indent}try_files $uri =404;`,
          `${indent}}`,
        ]),
    `${indent}location / {`,
    `${indent}${indent}return 301 https://$host${port === 443 ? "" : `:${port}`}$request_uri;`,
    `${indent}}`,
    "}",
    "server {",
    `${indent}# certificate sha256 ${env.fingerprint}`,
    `${indent}listen ${tlsListen} ssl http2;`,
    `${indent}server_name ${host};`,
    `${indent}ssl_certificate ${env.certificatePath};`,
    `${indent}ssl_certificate_key ${env.keyPath};`,
    `${indent}client_max_body_size ${Math.max(0, Math.floor(env.clientBodyLimitBytes))};`,
    ...(env.hstsMaxAgeSeconds > 0
      ? [`${indent}add_header Strict-Transport-Security "max-age=${Math.floor(env.hstsMaxAgeSeconds)}" always;`]
      : []),
    `${indent}location / {`,
    ...proxy.map((line) => `${indent}${indent}${line}`),
    `${indent}}`,
    "}",
    "",
  ].join("\n");
}
