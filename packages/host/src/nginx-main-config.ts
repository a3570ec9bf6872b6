import { join } from "node:path";
import { DirectorError } from "@director/domain/errors";
import {
  trafficLogBufferBytes,
  trafficLogFlushMs,
  trafficLogFormat,
  trafficLogFormatName,
} from "./nginx-traffic-log.js";

/** The temporary directories nginx buffers request and upstream bodies in, one per module. */
export const nginxTempDirNames = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] as const;

/** The name of one of nginx's temporary directories. */
export type NginxTempDirName = (typeof nginxTempDirNames)[number];

/** Where everything of one nginx instance lives inside its private prefix directory. */
export interface NginxLayout {
  prefixDir: string;
  configPath: string;
  mimeTypesPath: string;
  pidPath: string;
  errorLogPath: string;
  logsDir: string;
  tempRootDir: string;
  tempDirs: Record<NginxTempDirName, string>;
}

/** The fixed layout of files under `prefixDir` (pure). */
export function nginxLayout(prefixDir: string): NginxLayout {
  const logsDir = join(prefixDir, "logs");
  const tempRootDir = join(prefixDir, "tmp");
  const tempDirs = Object.fromEntries(nginxTempDirNames.map((name) => [name, join(tempRootDir, name)])) as Record<
    NginxTempDirName,
    string
  >;
  return {
    prefixDir,
    configPath: join(prefixDir, "nginx.conf"),
    mimeTypesPath: join(prefixDir, "mime.types"),
    pidPath: join(logsDir, "nginx.pid"),
    errorLogPath: join(logsDir, "error.log"),
    logsDir,
    tempRootDir,
    tempDirs,
  };
}

/**
 * How long nginx may keep serving a file from its open-file cache after the file (or the link leading to it) is gone:
 * a change that stops serving files waits this long before it says it is done.
 */
export const openFileCacheValidMs = 1000; // nginx takes whole seconds here

/** What the main nginx.conf depends on. */
export interface MainConfigOptions {
  prefixDir: string;
  /** Absolute directories whose `*.conf` files are included inside `http {}`, in this order. */
  includeDirs: readonly string[];
  /** Absolute files included inside `http {}` after the directories (a check of a few files alone uses only these). */
  includeFiles?: readonly string[];
  /** The account workers run as; only meaningful (and only rendered) when the master runs as root. */
  workerUser: { name: string; groupName: string } | null;
  workerProcesses: number | "auto";
  /** Connections per worker. Default 4096. */
  workerConnections?: number;
  /**
   * Addresses or CIDR blocks of the proxies in front (the router, in the split topology) whose X-Forwarded-For names
   * the client: `$remote_addr` is then the client's address, as sites must see it. None: the peer's own address.
   */
  realIpFrom?: readonly string[];
  /**
   * The balancer's traffic log (nginx-traffic-log.ts): every request of every server block, one buffered line each.
   * None: nothing is logged per request.
   */
  trafficLogPath?: string;
}

/** An IPv4 or IPv6 address, optionally with a /prefix: the only shape `set_real_ip_from` gets from us. */
const addressOrCidr = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:\/[0-9]{1,2})?|[0-9a-fA-F:]+(?:\/[0-9]{1,3})?)$/;

// Characters that would end or change an nginx token even inside double quotes ("\ $ are special; {};
// are kept out for readability) or that `include` would treat as a glob pattern (*?[]).
const unsafePathCharacters = /["\\${};*?[\]\p{Cc}]/u;

/** An absolute path as a quoted nginx string; throws CONFIG_INVALID for paths nginx would misread. */
export function quoteNginxPath(path: string): string {
  return `"${checkNginxPath(path)}"`;
}

function checkNginxPath(path: string): string {
  if (!path.startsWith("/") || unsafePathCharacters.test(path)) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `The nginx path "${path}" must be absolute and must not contain quotes, backslashes, $, {, }, ;, *, ?, [, ] or control characters.`,
    );
  }
  return path;
}

/** The text of the main nginx.conf (pure): process settings, shared http defaults, and the includes. */
export function renderMainConfig(options: MainConfigOptions): string {
  assertValidOptions(options);
  const layout = nginxLayout(options.prefixDir);
  const workerConnections = options.workerConnections ?? 4096;
  const tempPaths = nginxTempDirNames.map((name) => `  ${name}_temp_path ${quoteNginxPath(layout.tempDirs[name])};`);
  // The directory is checked without the glob, which is ours to add.
  const includes = [
    ...options.includeDirs.map((dir) => `  include "${checkNginxPath(dir)}/*.conf";`),
    ...(options.includeFiles ?? []).map((file) => `  include ${quoteNginxPath(file)};`),
  ];
  const userLine =
    options.workerUser === null ? [] : [`user ${options.workerUser.name} ${options.workerUser.groupName};`];
  const realIp =
    (options.realIpFrom ?? []).length === 0
      ? []
      : [
          "  # The router in front replaces X-Forwarded-For with its client's address; only its word is believed.",
          ...(options.realIpFrom ?? []).map((address) => `  set_real_ip_from ${address};`),
          "  real_ip_header X-Forwarded-For;",
          "",
        ];

  return [
    "# Generated by Director (packages/host); rewritten on every start, do not edit.",
    "# Director runs this nginx as its child process, hence no daemon.",
    "daemon off;",
    ...userLine,
    `worker_processes ${options.workerProcesses};`,
    "# Regexes compiled to machine code: the balancer's shared server block matches every site's host by regex.",
    "pcre_jit on;",
    "# Each proxied connection holds two descriptors (client and upstream).",
    `worker_rlimit_nofile ${workerConnections * 2};`,
    `pid ${quoteNginxPath(layout.pidPath)};`,
    `error_log ${quoteNginxPath(layout.errorLogPath)} warn;`,
    "",
    "events {",
    `  worker_connections ${workerConnections};`,
    "}",
    "",
    "http {",
    `  include ${quoteNginxPath(layout.mimeTypesPath)};`,
    "  default_type application/octet-stream;",
    ...tempPaths,
    "",
    "  sendfile on;",
    "  tcp_nopush on;",
    "  keepalive_timeout 65;",
    "  keepalive_requests 10000;",
    "  server_tokens off;",
    ...trafficLogLines(options.trafficLogPath),
    "  # Room for long host names and for 10,000+ per-site server blocks; nginx refuses to start",
    '  # ("could not build server_names_hash") when the hash does not fit.',
    "  server_names_hash_bucket_size 128;",
    "  server_names_hash_max_size 131072;",
    "  # Site server blocks use disable_symlinks, which opens every path component with O_NOFOLLOW on each",
    "  # request (measured: half the throughput). Caching open files keeps those checks (nginx applies them",
    "  # inside this cache, also when it revalidates) and pays them once a second per file; an edited file,",
    "  # or a site whose files stop being served, is seen within open_file_cache_valid. Errors are not",
    "  # cached, so a new file (a new site) is found at once.",
    "  open_file_cache max=20000 inactive=30s;",
    `  open_file_cache_valid ${openFileCacheValidMs / 1000}s;`,
    "  open_file_cache_errors off;",
    "",
    ...realIp,
    ...includes,
    "}",
    "",
  ].join("\n");
}

function trafficLogLines(path: string | undefined): string[] {
  if (path === undefined) {
    return ["  # No per-request log: nobody reads one here, and each line would cost disk I/O.", "  access_log off;"];
  }
  return [
    "  # The traffic log, which the orchestrator counts per site: one short line per request, written by each worker",
    "  # from a buffer (when full, or after the flush time), so no request waits on the disk.",
    `  log_format ${trafficLogFormatName} '${trafficLogFormat}';`,
    `  access_log ${quoteNginxPath(path)} ${trafficLogFormatName} buffer=${trafficLogBufferBytes / 1024}k flush=${trafficLogFlushMs / 1000}s;`,
  ];
}

function assertValidOptions(options: MainConfigOptions): void {
  const names = options.workerUser === null ? [] : [options.workerUser.name, options.workerUser.groupName];
  for (const name of names) {
    if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) {
      throw new DirectorError("CONFIG_INVALID", `"${name}" is not a user or group name nginx can use.`);
    }
  }
  for (const address of options.realIpFrom ?? []) {
    if (!addressOrCidr.test(address)) {
      throw new DirectorError("CONFIG_INVALID", `"${address}" is not an IP address or CIDR block nginx can trust.`);
    }
  }
  const { workerProcesses, workerConnections } = options;
  if (workerProcesses !== "auto" && !(Number.isInteger(workerProcesses) && workerProcesses > 0)) {
    throw new DirectorError("CONFIG_INVALID", 'workerProcesses must be a positive integer or "auto".');
  }
  if (workerConnections !== undefined && !(Number.isInteger(workerConnections) && workerConnections > 0)) {
    throw new DirectorError("CONFIG_INVALID", "workerConnections must be a positive integer.");
  }
}
