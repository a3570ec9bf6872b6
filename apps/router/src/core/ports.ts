/** The router's ports: small interfaces its HTTP edge uses, implemented in adapters/ (and by fakes in tests). */
import type { RouteSpec } from "@director/contracts/router-api";
import type { SiteName } from "@director/domain/site-name";
import type { NginxConfigFileName } from "@director/host/nginx-config-file-name";

/**
 * A directory of nginx config files that are validated and activated on write (NginxConfigStore implements it).
 * The same port as the orchestrator's; each app keeps its own copy because apps do not import each other.
 */
export interface ConfigFiles {
  /** Writes, tests and activates a file; no-op when unchanged; throws NGINX_CONFIG_REJECTED and rolls back on failure. */
  put(name: NginxConfigFileName, content: string): Promise<void>;
  /** Removes a file and reloads; no-op when absent. */
  remove(name: NginxConfigFileName): Promise<void>;
  /** A file's content, or null when absent. */
  read(name: NginxConfigFileName): Promise<string | null>;
  /** The names of every file, sorted. */
  list(): Promise<NginxConfigFileName[]>;
}

/** The public edge: its default server and one route per site. */
export interface EdgeRoutes {
  /** Writes the default server (and, split, the balancers' upstream); no-op when unchanged. */
  writeDefaults(): Promise<void>;
  /** Checks and activates a site's route; `written` is false when the topology needs no file for it. */
  upsert(siteName: SiteName, spec: RouteSpec): Promise<{ written: boolean }>;
  /** Removes a site's route; no-op when absent. */
  remove(siteName: SiteName): Promise<void>;
}
