/**
 * The nginx text of a site's own domains over HTTPS (pure): the ACME HTTP-01 location every HTTP server answers, the
 * HTTP server that sends a domain with a certificate to HTTPS, the head of each domain's HTTPS server (its own
 * certificate, chosen by SNI), and the TLS settings every HTTPS server shares. Certificates are the router's files
 * (contracts/certificate-files.ts); under `director up` router and orchestrator share this nginx.
 */
import { certificateFilesOf } from "@director/contracts/certificate-files";
import { parseCustomDomain } from "@director/domain/custom-domain";
import { parseHostname } from "@director/domain/hostname";
import { parseListenAddress } from "@director/domain/listen-address";
import { assertNginxSafeAbsolutePath } from "./nginx-safe-path.js";

/** Where HTTPS is served and where the certificates are. */
export interface SiteTlsEnv {
  /** nginx listen address of the HTTPS servers, e.g. "0.0.0.0:443" */
  listen: string;
  /** the router's certificate directory */
  certificatesDir: string;
  /** Strict-Transport-Security max-age; 0 or absent: not sent */
  hstsMaxAgeSeconds?: number;
}

const indent = "    ";
const acmeChallengePrefix = "/.well-known/acme-challenge/";

/**
 * The location that answers the certificate authority's HTTP-01 requests from the router's challenge files, before
 * any site's own files (`^~` wins over every other location). Root's files: symlinks are not a site's to plant here.
 * No open-file cache: a token replaced or withdrawn must be seen at once (a cached one failed a renewal in testing).
 */
export function renderAcmeChallengeLocation(challengesRoot: string | null): string[] {
  if (challengesRoot === null) return [];
  const root = assertNginxSafeAbsolutePath(challengesRoot);
  return [
    `location ^~ ${acmeChallengePrefix} {`,
    `${indent}root ${root};`,
    `${indent}disable_symlinks off;`,
    `${indent}open_file_cache off;`,
    `${indent}types { }`,
    `${indent}default_type text/plain;`,
    `${indent}try_files $uri =404;`,
    "}",
  ];
}

/** The HTTP server of domains that have a certificate: the challenge answered, everything else sent to HTTPS. */
export function renderHttpsRedirectServer(
  domains: readonly string[],
  env: { listen: string; tlsListen: string; challengesRoot: string | null },
): string[] {
  const names = domains.map(parseCustomDomain);
  const port = httpsPortOf(env.tlsListen);
  return [
    "server {",
    `${indent}listen ${parseListenAddress(env.listen)};`,
    `${indent}server_name ${names.join(" ")};`,
    ...renderAcmeChallengeLocation(env.challengesRoot).map((line) => indent + line),
    `${indent}location / {`,
    // 301: once a domain has its certificate it keeps one (renewals replace it); browsers may remember the move.
    `${indent}${indent}return 301 https://$host${port === 443 ? "" : `:${port}`}$request_uri;`,
    `${indent}}`,
    "}",
  ];
}

/**
 * The first lines of a domain's HTTPS server: where it listens, its name, its certificate (the router's files for it).
 */
export function renderHttpsServerHead(domain: string, fingerprint: string, env: SiteTlsEnv): string[] {
  const name = parseCustomDomain(domain);
  const files = certificateFilesOf(assertNginxSafeAbsolutePath(env.certificatesDir), name);
  return renderTlsServerHead({
    serverName: name,
    listen: env.listen,
    ...files,
    fingerprint,
    hstsMaxAgeSeconds: env.hstsMaxAgeSeconds ?? 0,
  });
}

/**
 * The first lines of any HTTPS server of one name. The certificate's fingerprint is written down: nginx loads
 * certificates with its configuration only, so a renewed one must change the file (the store then checks and reloads).
 */
export function renderTlsServerHead(server: {
  serverName: string;
  listen: string;
  certificatePath: string;
  keyPath: string;
  fingerprint: string;
  hstsMaxAgeSeconds: number;
}): string[] {
  if (!/^[0-9a-f]{64}$/.test(server.fingerprint)) throw new Error(`not a SHA-256 fingerprint: ${server.fingerprint}`);
  return [
    `# certificate sha256 ${server.fingerprint}`,
    `listen ${parseListenAddress(server.listen)} ssl http2;`,
    `server_name ${parseHostname(server.serverName)};`,
    `ssl_certificate ${assertNginxSafeAbsolutePath(server.certificatePath)};`,
    `ssl_certificate_key ${assertNginxSafeAbsolutePath(server.keyPath)};`,
    ...renderHsts(server.hstsMaxAgeSeconds),
  ];
}

/**
 * What every HTTPS server shares, at the http level: TLS 1.2 and 1.3 only, with nginx's default (strong) ciphers and
 * the client's preference (every cipher offered is strong, so the client's choice, often ChaCha20 on phones, is
 * fine); one session cache for all, so a returning client skips the full handshake; and a default server that
 * refuses a handshake for a name no site has, rather than showing some site's certificate.
 */
export function renderTlsCommon(env: { listen: string }): string[] {
  const listen = parseListenAddress(env.listen);
  return [
    "ssl_protocols TLSv1.2 TLSv1.3;",
    "ssl_prefer_server_ciphers off;",
    "ssl_session_cache shared:director_tls:10m;",
    "ssl_session_timeout 1d;",
    // Tickets' keys would live as long as nginx runs; the shared cache gives resumption without them.
    "ssl_session_tickets off;",
    "server {",
    `${indent}listen ${listen} ssl http2 default_server;`,
    `${indent}ssl_reject_handshake on;`,
    "}",
  ];
}

/**
 * Strict-Transport-Security at the server level, so every location without headers of its own sends it (nginx drops
 * inherited add_header where a location adds one: the notice pages, which need not carry it). No includeSubDomains:
 * a site's domain says nothing of its other names.
 */
export function renderHsts(maxAgeSeconds: number): string[] {
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0) throw new Error(`not a max-age: ${maxAgeSeconds}`);
  return maxAgeSeconds === 0 ? [] : [`add_header Strict-Transport-Security "max-age=${maxAgeSeconds}" always;`];
}

/** The port an HTTPS listen address names (`443`, `0.0.0.0:8443`, `[::]:443`). */
function httpsPortOf(listen: string): number {
  const address = parseListenAddress(listen);
  const port = Number(/(\d+)$/.exec(address)?.[1]);
  return port;
}
